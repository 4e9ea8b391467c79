/* Driver for the emitted C of CHeaderFixture.lean: initialises the runtime, runs the module
 * initializer, calls the exports and prints one `key=value` line per check. */
#include <lean/lean.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

extern lean_object *initialize_CHeaderFixture(uint8_t builtin);

extern lean_object *fx_nat_big(lean_object *);
extern lean_object *fx_nat_small(lean_object *, lean_object *);
extern lean_object *fx_nat_sub(lean_object *, lean_object *);
extern lean_object *fx_nat_div(lean_object *, lean_object *);
extern uint8_t fx_nat_lt(lean_object *, lean_object *);
extern lean_object *fx_greeting(lean_object *);
extern lean_object *fx_strlen(lean_object *);
extern lean_object *fx_strbytes(lean_object *);
extern lean_object *fx_const_str;
extern lean_object *fx_array(lean_object *);
extern lean_object *fx_array_get(lean_object *, lean_object *);
extern lean_object *fx_array_size(lean_object *);
extern lean_object *fx_bytes(lean_object *);
extern lean_object *fx_bytes_sum(lean_object *);
extern lean_object *fx_rec_mk(lean_object *, lean_object *, uint64_t, double);
extern lean_object *fx_rec_count(lean_object *);
extern double fx_rec_ratio(lean_object *);
extern lean_object *fx_adder(lean_object *);
extern lean_object *fx_run(lean_object *, lean_object *);
extern lean_object *fx_compose(lean_object *);
extern lean_object *fx_apply2(lean_object *, lean_object *);
extern lean_object *fx_boxed_u64(uint64_t);
extern lean_object *fx_boxed_float(double);
extern uint64_t fx_u64_head(lean_object *);
extern lean_object *fx_closed_big;
extern lean_object *fx_closed_list;
extern lean_object *fx_list_sum(lean_object *);
extern lean_object *fx_int_ops(lean_object *, lean_object *);
extern lean_object *fx_int_to_nat(lean_object *);
extern lean_object *fx_thunk(lean_object *);
extern lean_object *fx_panic(lean_object *);

static lean_object *c_triple(lean_object *x) {
    lean_object *r = lean_nat_mul(x, lean_box(3));
    lean_dec(x);
    return r;
}

static lean_object *c_add(lean_object *a, lean_object *b) {
    lean_object *r = lean_nat_add(a, b);
    lean_dec(a);
    lean_dec(b);
    return r;
}

static void *worker(void *out) {
    lean_initialize_thread();
    lean_object *big = lean_cstr_to_nat("18446744073709551616"); /* 2^64 */
    *(lean_object **)out = fx_nat_big(big);                      /* (2^64 + 100) * 10^21 */
    lean_finalize_thread();
    return NULL;
}

/* Decimal digits of a Nat through the header's own Nat fast paths and the runtime's slow ones. */
static void nat_str(b_lean_obj_arg n, char *out, size_t cap) {
    char tmp[256];
    size_t k = 0;
    lean_object *ten = lean_box(10);
    lean_object *cur = n;
    lean_inc(cur);
    do {
        lean_object *r = lean_nat_mod(cur, ten);
        lean_object *q = lean_nat_div(cur, ten);
        tmp[k++] = (char)('0' + lean_unbox(r));
        lean_dec(cur);
        cur = q;
    } while (!(lean_is_scalar(cur) && lean_unbox(cur) == 0) && k < sizeof tmp);
    lean_dec(cur);
    size_t i = 0;
    while (k > 0 && i + 1 < cap) out[i++] = tmp[--k];
    out[i] = 0;
}

static void put_nat(char const *key, lean_object *n) {
    char buf[256];
    nat_str(n, buf, sizeof buf);
    printf("%s=%s\n", key, buf);
}

/* Consumes n. */
static void put_nat_own(char const *key, lean_object *n) {
    put_nat(key, n);
    lean_dec(n);
}

static void put_str_own(char const *key, lean_object *s) {
    printf("%s=%s|%zu|%zu\n", key, lean_string_cstr(s), lean_string_len(s), lean_string_size(s) - 1);
    lean_dec(s);
}

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    lean_initialize_runtime_module();
    lean_set_panic_messages(false);
    lean_object *res = initialize_CHeaderFixture(1);
    if (!lean_io_result_is_ok(res)) {
        printf("init=error\n");
        return 1;
    }
    lean_dec_ref(res);
    lean_io_mark_end_initialization();
    printf("init=ok\n");

    /* Nat */
    put_nat_own("nat_big", fx_nat_big(lean_box(23)));
    put_nat_own("nat_small", fx_nat_small(lean_box(6), lean_box(9)));
    lean_object *big = lean_cstr_to_nat("340282366920938463463374607431768211456"); /* 2^128 */
    lean_inc(big);
    put_nat_own("nat_small_big", fx_nat_small(big, lean_box(3))); /* big arguments take the slow path */
    put_nat_own("nat_sub_floor", fx_nat_sub(lean_box(3), lean_box(10)));
    lean_inc(big);
    put_nat_own("nat_sub_big", fx_nat_sub(big, lean_box(1)));
    put_nat_own("nat_div", fx_nat_div(lean_box(100), lean_box(7)));
    put_nat_own("nat_div_zero", fx_nat_div(lean_box(100), lean_box(0)));
    lean_inc(big);
    printf("nat_lt=%d,%d,%d\n", fx_nat_lt(lean_box(1), lean_box(2)), fx_nat_lt(lean_box(2), lean_box(1)),
           fx_nat_lt(lean_box(5), big));
    lean_object *max_small = lean_usize_to_nat(LEAN_MAX_SMALL_NAT);
    lean_object *over = lean_nat_add(max_small, lean_box(1));
    printf("nat_overflow_boxed=%d,%d\n", (int)lean_is_scalar(max_small), (int)lean_is_scalar(over));
    put_nat_own("nat_overflow", over);
    lean_dec(big);

    /* Strings */
    put_str_own("greeting", fx_greeting(lean_mk_string("wörld")));
    put_nat_own("strlen", fx_strlen(lean_mk_string("añb")));
    put_nat_own("strbytes", fx_strbytes(lean_mk_string("añb")));
    printf("const_str=%s|rc=%d\n", lean_string_cstr(fx_const_str), fx_const_str->m_rc);

    /* Arrays */
    lean_object *arr = fx_array(lean_box(41));
    lean_inc(arr);
    put_nat_own("array_size", fx_array_size(arr));
    lean_inc(arr);
    put_nat_own("array_1", fx_array_get(arr, lean_box(1)));
    put_nat_own("array_2", fx_array_get(arr, lean_box(2)));
    /* ByteArray */
    lean_object *bytes = fx_bytes(lean_box(7));
    printf("bytes_kind=%d,%u\n", lean_is_sarray(bytes), lean_sarray_elem_size(bytes));
    put_nat_own("bytes_sum", fx_bytes_sum(bytes));

    /* Structures with scalar fields */
    lean_object *rec = fx_rec_mk(lean_mk_string("r"), lean_box(5), 3, 2.5);
    printf("rec_layout=objs:%u,size:%zu\n", lean_ctor_num_objs(rec), lean_object_byte_size(rec));
    lean_inc(rec);
    put_nat_own("rec_count", fx_rec_count(rec));
    printf("rec_ratio=%.3f\n", fx_rec_ratio(rec));

    /* Closures */
    lean_object *add7 = fx_adder(lean_box(7));
    lean_object *clo = lean_ctor_get(add7, 0);
    printf("closure_shape=%d,%u,%u\n", lean_is_closure(clo), lean_closure_arity(clo), lean_closure_num_fixed(clo));
    lean_inc(add7);
    put_nat_own("closure_run", fx_run(add7, lean_box(35)));
    lean_inc(clo);
    put_nat_own("closure_apply", lean_apply_1(clo, lean_box(100)));
    lean_dec(add7);
    put_nat_own("compose", fx_compose(lean_box(4)));
    /* closures built here, applied from Lean code */
    lean_object *triple = lean_alloc_closure((void *)c_triple, 1, 0);
    put_nat_own("c_closure", fx_apply2(triple, lean_box(10)));
    lean_object *plus = lean_alloc_closure((void *)c_add, 2, 1);
    lean_closure_set(plus, 0, lean_box(1000));
    put_nat_own("c_pap", fx_apply2(plus, lean_box(1)));

    /* Boxed scalars */
    lean_object *l64 = fx_boxed_u64(UINT64_C(0x7fffffffffffffff));
    lean_object *h = lean_ctor_get(l64, 0);
    printf("boxed_u64=%llu,%d\n", (unsigned long long)lean_unbox_uint64(h), lean_is_scalar(h));
    printf("u64_head=%llu\n", (unsigned long long)fx_u64_head(l64));
    lean_object *lf = fx_boxed_float(-1.25);
    printf("boxed_float=%.2f\n", lean_unbox_float(lean_ctor_get(lf, 0)));
    lean_dec(lf);

    /* Closed terms */
    put_nat("closed_big", fx_closed_big);
    put_nat("closed_big_again", fx_closed_big);
    put_nat_own("closed_list_sum", fx_list_sum(fx_closed_list));
    printf("closed_rc=%d,%d\n", fx_closed_big->m_rc, fx_closed_list->m_rc);

    /* Int: a list of results */
    lean_object *ints = fx_int_ops(lean_box(3), lean_box(1000000000));
    printf("int_ops=");
    for (lean_object *it = ints; !lean_is_scalar(it); it = lean_ctor_get(it, 1)) {
        lean_object *v = lean_ctor_get(it, 0);
        if (lean_is_scalar(v)) printf("%d%s", lean_scalar_to_int(v), " ");
        else printf("big:%lld ", (long long)(int64_t)lean_int64_of_int(v));
    }
    printf("\n");
    lean_dec(ints);

    /* Thunks */
    put_nat_own("thunk", fx_thunk(lean_box(12)));

    /* Panics return the Inhabited default (messages are off) */
    put_nat_own("panic_ok", fx_panic(lean_box(3)));
    put_nat_own("panic_default", fx_panic(lean_box(30)));
    lean_set_panic_messages(true);
    put_nat_own("panic_loud", fx_panic(lean_box(31))); /* message goes to stderr */
    lean_set_panic_messages(false);

    /* Reference counts: the header's inline paths against the runtime's cold ones. */
    lean_object *o = lean_box_uint64(1);
    lean_inc_ref_n(o, LEAN_RC_INC_MAX + 1); /* above the inline limit: lean_inc_ref_huge_n */
    printf("rc_huge=%d\n", o->m_rc);
    o->m_rc = INT_MAX;
    lean_inc_ref(o); /* ST overflow wraps into the sticky band */
    int wrapped = o->m_rc;
    lean_dec_ref(o); /* frozen: the cold path leaves it alone */
    lean_inc_ref(o);
    printf("rc_sticky=%d,%d,%d\n", wrapped <= LEAN_RC_STICKY, o->m_rc == wrapped, lean_is_exclusive(o));
    lean_object *m = lean_box_uint64(2);
    lean_mark_mt(m);
    int mt0 = m->m_rc;
    lean_inc(m);
    int mt1 = m->m_rc;
    lean_dec(m);
    printf("rc_mt=%d,%d,%d\n", mt0, mt1, m->m_rc);
    lean_dec(m);

    /* A second thread attached to the runtime. */
    pthread_t th;
    lean_object *thread_result = NULL;
    pthread_create(&th, NULL, worker, &thread_result);
    pthread_join(th, NULL);
    put_nat_own("thread", thread_result);
    printf("done=1\n");
    return 0;
}
