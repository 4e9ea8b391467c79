/*
 * lean-rs: a C header for the Lean 4.35.0 runtime (libleanshared), written for this project.
 *
 * What it is for: compiling the C that `lean -c` emits (it includes <lean/lean.h>) and small C
 * embedders, on machines that have a runtime-only Lean sysroot (libleanshared, no headers).
 * It states the same ABI facts that the Rust mirrors in `crates/lean-rs-sys/src` state, and
 * `crates/lean-rs-sys/tests/c_header.rs` holds the two to each other. It is never installed
 * into a sysroot and never makes a sysroot count as `full`.
 *
 * Target: Lean 4.35.0 (commit eb6cafb7), 64-bit little-endian, GCC or Clang, C11.
 * Assumptions that the Rust side gates with cfgs, fixed here for 4.35.0:
 *   - `lean_sticky_rc`: counts that overflow are frozen in a "sticky" band (LEAN_RC_STICKY..).
 *   - `lean_mimalloc`:  small objects are served by mimalloc and carry their size in m_cs_sz;
 *                       objects up to LEAN_RS_MI_SMALL_SIZE_MAX bytes go through the runtime's
 *                       `lean_alloc_small_object_core` fast path.
 * Everything declared `extern` below is exported by the 4.35.0 libleanshared.
 */
#ifndef LEAN_RS_LEAN_H
#define LEAN_RS_LEAN_H

/* ---------------------------------------------------------------------------------------------
 * Version gate
 * ------------------------------------------------------------------------------------------- */

#define LEAN_RS_HEADER_LEAN_VERSION "4.35.0"
#define LEAN_RS_HEADER_LEAN_VERSION_MAJOR 4
#define LEAN_RS_HEADER_LEAN_VERSION_MINOR 35
#define LEAN_RS_HEADER_LEAN_VERSION_PATCH 0
/* major * 10000 + minor * 100 + patch */
#define LEAN_RS_HEADER_LEAN_VERSION_NUM 43500
#define LEAN_RS_HEADER_LEAN_COMMIT "eb6cafb7290e8bd5f2937522d8d804f58f02bafc"
/* The fixed answers to the Rust side's version cfgs (see the comment at the top). */
#define LEAN_RS_HEADER_STICKY_RC 1
#define LEAN_RS_HEADER_MIMALLOC 1

/* An includer may say which Lean it expects, either with config.h's three numbers or with
 * LEAN_VERSION as a number in the LEAN_RS_HEADER_LEAN_VERSION_NUM encoding. Anything else is
 * refused (a string-valued LEAN_VERSION cannot be compared by the preprocessor and fails too). */
#if defined(LEAN_VERSION_MAJOR) && (LEAN_VERSION_MAJOR != LEAN_RS_HEADER_LEAN_VERSION_MAJOR)
#error "lean-rs lean.h is written for Lean 4.35.0 only (LEAN_VERSION_MAJOR differs)"
#endif
#if defined(LEAN_VERSION_MINOR) && (LEAN_VERSION_MINOR != LEAN_RS_HEADER_LEAN_VERSION_MINOR)
#error "lean-rs lean.h is written for Lean 4.35.0 only (LEAN_VERSION_MINOR differs)"
#endif
#if defined(LEAN_VERSION_PATCH) && (LEAN_VERSION_PATCH != LEAN_RS_HEADER_LEAN_VERSION_PATCH)
#error "lean-rs lean.h is written for Lean 4.35.0 only (LEAN_VERSION_PATCH differs)"
#endif
#if defined(LEAN_VERSION)
#if (LEAN_VERSION + 0) != LEAN_RS_HEADER_LEAN_VERSION_NUM
#error "lean-rs lean.h is written for Lean 4.35.0 only (LEAN_VERSION must be 43500)"
#endif
#endif

#ifndef LEAN_VERSION_MAJOR
#define LEAN_VERSION_MAJOR LEAN_RS_HEADER_LEAN_VERSION_MAJOR
#endif
#ifndef LEAN_VERSION_MINOR
#define LEAN_VERSION_MINOR LEAN_RS_HEADER_LEAN_VERSION_MINOR
#endif
#ifndef LEAN_VERSION_PATCH
#define LEAN_VERSION_PATCH LEAN_RS_HEADER_LEAN_VERSION_PATCH
#endif

#if defined(__cplusplus)
#error "lean-rs lean.h is a C11 header; C++ is not supported"
#endif
#if !defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L
#error "lean-rs lean.h needs C11 (atomics, anonymous aggregates)"
#endif
#if !defined(__GNUC__)
#error "lean-rs lean.h relies on GCC/Clang builtins and attributes"
#endif
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "lean-rs lean.h was only checked on 64-bit little-endian targets"
#endif

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <float.h>

_Static_assert(sizeof(void *) == 8, "64-bit targets only");
_Static_assert(sizeof(size_t) == sizeof(void *), "size_t must be pointer-sized");
#if !defined(FLT_EVAL_METHOD) || FLT_EVAL_METHOD != 0
#error "Lean's Float semantics need FLT_EVAL_METHOD == 0"
#endif

/* ---------------------------------------------------------------------------------------------
 * Small helpers of our own (not part of the Lean API)
 * ------------------------------------------------------------------------------------------- */

#define LRS_LIKELY(c) __builtin_expect(!!(c), 1)
#define LRS_UNLIKELY(c) __builtin_expect(!!(c), 0)
#define LRS_INLINE static inline __attribute__((always_inline))
#define LRS_NORETURN __attribute__((noreturn))

/* The 4.35.0 emitter declares `lean_object * res;` in every module initializer, also in ones
 * that never use it, and its own pragmas do not cover -Wunused-variable: silence that one
 * warning for the including file, so emitted C builds with -Wall -Werror. Define
 * LEAN_RS_NO_DIAGNOSTIC_PRAGMAS to keep the including file's diagnostics untouched. */
#ifndef LEAN_RS_NO_DIAGNOSTIC_PRAGMAS
#pragma GCC diagnostic ignored "-Wunused-variable"
#endif

/* Emitted code marks every function it defines with LEAN_EXPORT. */
#ifndef LEAN_EXPORT
#define LEAN_EXPORT __attribute__((visibility("default")))
#endif

/* ---------------------------------------------------------------------------------------------
 * Constants
 * ------------------------------------------------------------------------------------------- */

#define LEAN_CLOSURE_MAX_ARGS 16
#define LEAN_OBJECT_SIZE_DELTA 8
#define LEAN_MAX_SMALL_OBJECT_SIZE 4096
/* mimalloc's direct small-size classes end here (128 words); the runtime's own inlined
 * allocation compares against 0x400 before calling lean_alloc_small_object_core. */
#define LEAN_RS_MI_SMALL_SIZE_MAX 1024

/* Object kinds: constructor tags are 0..LeanMaxCtorTag, then one tag per special kind. */
#define LeanMaxCtorTag 243
#define LeanPromise 244
#define LeanClosure 245
#define LeanArray 246
#define LeanStructArray 247
#define LeanScalarArray 248
#define LeanString 249
#define LeanMPZ 250
#define LeanThunk 251
#define LeanTask 252
#define LeanRef 253
#define LeanExternal 254
#define LeanReserved 255

#define LEAN_MAX_CTOR_FIELDS 256
#define LEAN_MAX_CTOR_SCALARS_SIZE 1024

/* Top bit of m_other on arrays, scalar arrays and strings: the `markLinear` flag. */
#define LEAN_LINEAR_MARK_MASK 0x80u

/* Sticky reference counts (4.35.0): at or below LEAN_RC_STICKY_DROP decrements stop, at or below
 * LEAN_RC_STICKY increments stop too; increments bigger than LEAN_RC_INC_MAX are delegated to
 * lean_inc_ref_huge_n. Thresholds read off the 4.35.0 lean_dec_ref_cold / lean_inc_ref_huge_n. */
#define LEAN_RC_STICKY (INT_MIN + 0x10000000)
#define LEAN_RC_STICKY_DROP (INT_MIN + 0x20000000)
#define LEAN_RC_INC_MAX ((size_t)0x10000)

/* Naturals below this are unboxed; integers in [MIN, MAX] are unboxed (as 32-bit values). */
#define LEAN_MAX_SMALL_NAT (SIZE_MAX >> 1)
#define LEAN_MAX_SMALL_INT INT_MAX
#define LEAN_MIN_SMALL_INT INT_MIN

/* ---------------------------------------------------------------------------------------------
 * Object layouts
 * ------------------------------------------------------------------------------------------- */

/* Header, 8 bytes. m_rc > 0: single-threaded count; < 0: multi-threaded count (negated);
 * == 0: persistent (never counted, never freed). m_cs_sz holds the small-object size under
 * mimalloc, m_other the field count (ctors) or element size (scalar arrays). */
typedef struct {
    int m_rc;
    uint16_t m_cs_sz;
    uint8_t m_other;
    uint8_t m_tag;
} lean_object;

_Static_assert(sizeof(lean_object) == 8, "object header is 8 bytes");
_Static_assert(offsetof(lean_object, m_cs_sz) == 4, "m_cs_sz @4");
_Static_assert(offsetof(lean_object, m_other) == 6, "m_other @6");
_Static_assert(offsetof(lean_object, m_tag) == 7, "m_tag @7");

/* Calling conventions: owned (consumed) argument, borrowed argument, unique argument, owned
 * result, borrowed result. All are plain object pointers. */
typedef lean_object *lean_obj_arg;
typedef lean_object *b_lean_obj_arg;
typedef lean_object *u_lean_obj_arg;
typedef lean_object *lean_obj_res;
typedef lean_object *b_lean_obj_res;

typedef struct {
    lean_object m_header;
    lean_object *m_objs[];
} lean_ctor_object;

typedef struct {
    lean_object m_header;
    size_t m_size;
    size_t m_capacity;
    lean_object *m_data[];
} lean_array_object;

typedef struct {
    lean_object m_header;
    size_t m_size;
    size_t m_capacity;
    uint8_t m_data[];
} lean_sarray_object;

typedef struct {
    lean_object m_header;
    size_t m_size;     /* bytes, including the terminating NUL */
    size_t m_capacity; /* bytes available for data */
    size_t m_length;   /* number of Unicode scalar values */
    char m_data[];
} lean_string_object;

typedef struct {
    lean_object m_header;
    void *m_fun;
    uint16_t m_arity;     /* parameters of m_fun */
    uint16_t m_num_fixed; /* arguments already stored in m_objs */
    lean_object *m_objs[];
} lean_closure_object;

typedef struct {
    lean_object m_header;
    lean_object *m_value;
} lean_ref_object;

typedef struct {
    lean_object m_header;
    _Atomic(lean_object *) m_value;   /* null until forced */
    _Atomic(lean_object *) m_closure; /* `Unit -> α`, null once forced */
} lean_thunk_object;

/* The task runtime state is private to libleanshared; only its pointer is part of the layout. */
struct lean_task_imp;

typedef struct lean_task {
    lean_object m_header;
    _Atomic(lean_object *) m_value;
    _Atomic(struct lean_task_imp *) m_imp;
} lean_task_object;

typedef struct {
    lean_object m_header;
    lean_task_object *m_result;
} lean_promise_object;

typedef void (*lean_external_finalize_proc)(void *);
typedef void (*lean_external_foreach_proc)(void *, b_lean_obj_arg);

typedef struct {
    lean_external_finalize_proc m_finalize;
    lean_external_foreach_proc m_foreach;
} lean_external_class;

typedef struct {
    lean_object m_header;
    lean_external_class *m_class;
    void *m_data;
} lean_external_object;

_Static_assert(offsetof(lean_ctor_object, m_objs) == 8, "ctor fields @8");
_Static_assert(offsetof(lean_array_object, m_size) == 8, "array size @8");
_Static_assert(offsetof(lean_array_object, m_capacity) == 16, "array capacity @16");
_Static_assert(offsetof(lean_array_object, m_data) == 24, "array data @24");
_Static_assert(offsetof(lean_sarray_object, m_data) == 24, "sarray data @24");
_Static_assert(offsetof(lean_string_object, m_length) == 24, "string length @24");
_Static_assert(offsetof(lean_string_object, m_data) == 32, "string data @32");
_Static_assert(offsetof(lean_closure_object, m_arity) == 16, "closure arity @16");
_Static_assert(offsetof(lean_closure_object, m_num_fixed) == 18, "closure fixed @18");
_Static_assert(offsetof(lean_closure_object, m_objs) == 24, "closure args @24");
_Static_assert(offsetof(lean_thunk_object, m_closure) == 16, "thunk closure @16");
_Static_assert(offsetof(lean_external_object, m_data) == 16, "external data @16");
_Static_assert(sizeof(lean_external_object) == 24, "external object is 24 bytes");

/* Once cells guard the lazily computed closed terms of emitted code. state 1 = value ready;
 * `lock` is the runtime's spin/wait word (its cold path takes it at offset 4). */
typedef struct {
    _Atomic(int) state;
    _Atomic(int) lock;
} lean_once_cell_t;
#define LEAN_ONCE_CELL_INITIALIZER {0, 0}

/* A boxed 8-byte scalar as a pointer-sized field initializer of a static object (emitted C uses
 * it for the scalar area of ground constructor values); bytes are given low to high. */
#define LEAN_SCALAR_PTR_LITERAL(b0, b1, b2, b3, b4, b5, b6, b7)                                 \
    ((lean_object *)(((uint64_t)(b0)) | ((uint64_t)(b1) << 8) | ((uint64_t)(b2) << 16) |        \
                     ((uint64_t)(b3) << 24) | ((uint64_t)(b4) << 32) | ((uint64_t)(b5) << 40) | \
                     ((uint64_t)(b6) << 48) | ((uint64_t)(b7) << 56)))

/* ---------------------------------------------------------------------------------------------
 * Runtime entry points (all exported by libleanshared 4.35.0)
 * ------------------------------------------------------------------------------------------- */

/* Process and thread set-up, for embedders and for emitted `main`. */
extern void lean_initialize_runtime_module(void);
extern void lean_initialize(void);
extern void lean_init_task_manager(void);
extern void lean_init_task_manager_using(unsigned num_workers);
extern void lean_finalize_task_manager(void);
extern void lean_io_mark_end_initialization(void);
extern void lean_initialize_thread(void);
extern void lean_finalize_thread(void);
extern void lean_set_panic_messages(bool flag);
extern void lean_set_exit_on_panic(bool flag);
extern char **lean_setup_args(int argc, char **argv);
extern lean_object *lean_run_main(lean_object *(*main_fn)(int, char **), int argc, char **argv);

/* Panics. */
extern void lean_panic(char const *msg, bool force_stderr);
extern lean_object *lean_panic_fn(lean_object *default_val, lean_object *msg);
extern lean_object *lean_panic_fn_borrowed(b_lean_obj_arg default_val, lean_object *msg);
extern LRS_NORETURN void lean_internal_panic(char const *msg);
extern LRS_NORETURN void lean_internal_panic_out_of_memory(void);
extern LRS_NORETURN void lean_internal_panic_unreachable(void);
extern LRS_NORETURN void lean_internal_panic_rc_overflow(void);
extern LRS_NORETURN void lean_internal_panic_overflow(void);

/* Memory and reference counting. */
extern void lean_inc_heartbeat(void);
extern lean_object *lean_alloc_small_object_core(unsigned sz) __attribute__((malloc));
extern lean_object *lean_alloc_object(size_t sz);
extern void lean_free_object(lean_object *o);
extern size_t lean_object_byte_size(lean_object *o);
extern size_t lean_object_data_byte_size(lean_object *o);
extern void lean_inc_ref_huge_n(lean_object *o, size_t n);
extern void lean_dec_ref_cold(lean_object *o);
extern void lean_mark_mt(lean_object *o);
extern void lean_mark_persistent(lean_object *o);

/* Closed-term cells (the cold path runs `init`, stores and persists the value). */
extern lean_object *lean_obj_once_cold(lean_object **loc, lean_once_cell_t *tok, lean_object *(*init)(void));
extern uint8_t lean_uint8_once_cold(uint8_t *loc, lean_once_cell_t *tok, uint8_t (*init)(void));
extern uint16_t lean_uint16_once_cold(uint16_t *loc, lean_once_cell_t *tok, uint16_t (*init)(void));
extern uint32_t lean_uint32_once_cold(uint32_t *loc, lean_once_cell_t *tok, uint32_t (*init)(void));
extern uint64_t lean_uint64_once_cold(uint64_t *loc, lean_once_cell_t *tok, uint64_t (*init)(void));
extern size_t lean_usize_once_cold(size_t *loc, lean_once_cell_t *tok, size_t (*init)(void));
extern float lean_float32_once_cold(float *loc, lean_once_cell_t *tok, float (*init)(void));
extern double lean_float_once_cold(double *loc, lean_once_cell_t *tok, double (*init)(void));

/* Closures: every lean_apply_* consumes the closure and the arguments. */
extern lean_object *lean_apply_1(lean_object *f, lean_object *a1);
extern lean_object *lean_apply_2(lean_object *f, lean_object *a1, lean_object *a2);
extern lean_object *lean_apply_3(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3);
extern lean_object *lean_apply_4(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                 lean_object *a4);
extern lean_object *lean_apply_5(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                 lean_object *a4, lean_object *a5);
extern lean_object *lean_apply_6(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                 lean_object *a4, lean_object *a5, lean_object *a6);
extern lean_object *lean_apply_7(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                 lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7);
extern lean_object *lean_apply_8(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                 lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                 lean_object *a8);
extern lean_object *lean_apply_9(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                 lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                 lean_object *a8, lean_object *a9);
extern lean_object *lean_apply_10(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10);
extern lean_object *lean_apply_11(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10, lean_object *a11);
extern lean_object *lean_apply_12(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10, lean_object *a11,
                                  lean_object *a12);
extern lean_object *lean_apply_13(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10, lean_object *a11,
                                  lean_object *a12, lean_object *a13);
extern lean_object *lean_apply_14(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10, lean_object *a11,
                                  lean_object *a12, lean_object *a13, lean_object *a14);
extern lean_object *lean_apply_15(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10, lean_object *a11,
                                  lean_object *a12, lean_object *a13, lean_object *a14, lean_object *a15);
extern lean_object *lean_apply_16(lean_object *f, lean_object *a1, lean_object *a2, lean_object *a3,
                                  lean_object *a4, lean_object *a5, lean_object *a6, lean_object *a7,
                                  lean_object *a8, lean_object *a9, lean_object *a10, lean_object *a11,
                                  lean_object *a12, lean_object *a13, lean_object *a14, lean_object *a15,
                                  lean_object *a16);
extern lean_object *lean_apply_n(lean_object *f, unsigned n, lean_object **args);
/* For n > LEAN_CLOSURE_MAX_ARGS. */
extern lean_object *lean_apply_m(lean_object *f, unsigned n, lean_object **args);

/* Arrays, scalar arrays, strings: the out-of-line parts the inline helpers below call. */
extern lean_obj_res lean_array_get_panic(lean_obj_arg def_val);
extern lean_obj_res lean_array_set_panic(lean_obj_arg a, lean_obj_arg v);
extern lean_obj_res lean_copy_expand_array_nonlinear(lean_obj_arg a, bool expand);
extern lean_obj_res lean_copy_sarray_nonlinear(lean_obj_arg a, size_t cap);
extern lean_obj_res lean_copy_string_nonlinear(lean_obj_arg s, size_t cap);
extern bool lean_sarray_eq_cold(b_lean_obj_arg a1, b_lean_obj_arg a2);
extern lean_obj_res lean_mk_string(char const *s);
extern lean_obj_res lean_mk_string_unchecked(char const *s, size_t sz, size_t len);
extern bool lean_string_eq_cold(b_lean_obj_arg s1, b_lean_obj_arg s2);
extern bool lean_string_lt(b_lean_obj_arg s1, b_lean_obj_arg s2);
extern uint32_t lean_string_utf8_get_fast_cold(char const *str, size_t i, size_t size, unsigned char c);
extern lean_obj_res lean_string_utf8_next_fast_cold(size_t i, unsigned char c);

/* Thunks and tasks. */
extern lean_object *lean_thunk_get_core(lean_object *t);
extern lean_obj_res lean_task_spawn_core(lean_obj_arg c, unsigned prio, bool keep_alive);
extern lean_obj_res lean_task_bind_core(lean_obj_arg x, lean_obj_arg f, unsigned prio, bool sync,
                                        bool keep_alive);
extern lean_obj_res lean_task_map_core(lean_obj_arg f, lean_obj_arg t, unsigned prio, bool sync,
                                       bool keep_alive);
extern b_lean_obj_res lean_task_get(b_lean_obj_arg t);

/* External objects. */
extern lean_external_class *lean_register_external_class(lean_external_finalize_proc finalize,
                                                         lean_external_foreach_proc foreach);

/* Nat and Int: slow paths (borrowed arguments, owned results). */
extern lean_obj_res lean_cstr_to_nat(char const *n);
extern lean_obj_res lean_big_usize_to_nat(size_t n);
extern lean_obj_res lean_big_uint64_to_nat(uint64_t n);
extern lean_object *lean_nat_big_succ(lean_object *a);
extern lean_object *lean_nat_big_add(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_sub(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_mul(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_overflow_mul(size_t a1, size_t a2);
extern lean_object *lean_nat_big_div(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_div_exact(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_mod(lean_object *a1, lean_object *a2);
extern bool lean_nat_big_eq(lean_object *a1, lean_object *a2);
extern bool lean_nat_big_le(lean_object *a1, lean_object *a2);
extern bool lean_nat_big_lt(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_land(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_lor(lean_object *a1, lean_object *a2);
extern lean_object *lean_nat_big_xor(lean_object *a1, lean_object *a2);
extern lean_obj_res lean_nat_big_shiftr(b_lean_obj_arg a1, b_lean_obj_arg a2);
extern lean_obj_res lean_cstr_to_int(char const *n);
extern lean_obj_res lean_big_int_to_int(int n);
extern lean_obj_res lean_big_size_t_to_int(size_t n);
extern lean_obj_res lean_big_int64_to_int(int64_t n);
extern lean_object *lean_int_big_neg(lean_object *a);
extern lean_object *lean_int_big_add(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_sub(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_mul(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_div(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_div_exact(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_mod(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_ediv(lean_object *a1, lean_object *a2);
extern lean_object *lean_int_big_emod(lean_object *a1, lean_object *a2);
extern bool lean_int_big_eq(lean_object *a1, lean_object *a2);
extern bool lean_int_big_le(lean_object *a1, lean_object *a2);
extern bool lean_int_big_lt(lean_object *a1, lean_object *a2);
extern bool lean_int_big_nonneg(lean_object *a);
extern lean_obj_res lean_big_int_to_nat(lean_obj_arg a);

/* Fixed-width conversions from big Nat / Int objects (two's complement truncation). */
extern uint8_t lean_uint8_of_big_nat(b_lean_obj_arg a);
extern uint16_t lean_uint16_of_big_nat(b_lean_obj_arg a);
extern uint32_t lean_uint32_of_big_nat(b_lean_obj_arg a);
extern uint64_t lean_uint64_of_big_nat(b_lean_obj_arg a);
extern size_t lean_usize_of_big_nat(b_lean_obj_arg a);
extern int8_t lean_int8_of_big_int(b_lean_obj_arg a);
extern int16_t lean_int16_of_big_int(b_lean_obj_arg a);
extern int32_t lean_int32_of_big_int(b_lean_obj_arg a);
extern int64_t lean_int64_of_big_int(b_lean_obj_arg a);
extern ptrdiff_t lean_isize_of_big_int(b_lean_obj_arg a);

/* IO. */
extern void lean_io_result_show_error(b_lean_obj_arg r);
extern lean_obj_res lean_decode_io_error(int errnum, b_lean_obj_arg fname);
extern lean_obj_res lean_mk_io_user_error(lean_obj_arg str);

/* ---------------------------------------------------------------------------------------------
 * Boxed scalars
 * ------------------------------------------------------------------------------------------- */

/* A pointer whose low bit is set is the value v encoded as (v << 1) | 1, not an object. */
LRS_INLINE uint8_t lean_is_scalar(lean_object *o) { return (uint8_t)((uintptr_t)o & 1u); }
LRS_INLINE lean_object *lean_box(size_t v) { return (lean_object *)(uintptr_t)((v << 1) | 1u); }
LRS_INLINE size_t lean_unbox(lean_object *o) { return (size_t)((uintptr_t)o >> 1); }

/* ---------------------------------------------------------------------------------------------
 * Size arithmetic that must not wrap
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE size_t lean_usize_add_checked(size_t a, size_t b) {
    size_t r;
    if (LRS_UNLIKELY(__builtin_add_overflow(a, b, &r))) lean_internal_panic_overflow();
    return r;
}
LRS_INLINE size_t lean_usize_mul_checked(size_t a, size_t b) {
    size_t r;
    if (LRS_UNLIKELY(__builtin_mul_overflow(a, b, &r))) lean_internal_panic_overflow();
    return r;
}
/* v rounded up to a multiple of a. */
LRS_INLINE size_t lean_align(size_t v, size_t a) { return ((v + a - 1) / a) * a; }

/* ---------------------------------------------------------------------------------------------
 * Header access and reference counting
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE uint8_t lean_ptr_tag(lean_object *o) { return o->m_tag; }
LRS_INLINE unsigned lean_ptr_other(lean_object *o) { return o->m_other; }

LRS_INLINE _Atomic(int) *lrs_rc_atomic(lean_object *o) { return (_Atomic(int) *)&o->m_rc; }
/* Plain (relaxed) view of the count: ST objects are only touched by their owning thread, and
 * the MT paths below re-read atomically. */
LRS_INLINE int lrs_rc(lean_object *o) { return atomic_load_explicit(lrs_rc_atomic(o), memory_order_relaxed); }
LRS_INLINE void lrs_set_rc(lean_object *o, int v) {
    atomic_store_explicit(lrs_rc_atomic(o), v, memory_order_relaxed);
}

LRS_INLINE bool lean_is_mt(lean_object *o) { return lrs_rc(o) < 0; }
LRS_INLINE bool lean_is_st(lean_object *o) { return lrs_rc(o) > 0; }
LRS_INLINE bool lean_is_persistent(lean_object *o) { return lrs_rc(o) == 0; }
LRS_INLINE bool lean_has_rc(lean_object *o) { return lrs_rc(o) != 0; }
LRS_INLINE bool lean_is_exclusive(lean_object *o) { return lrs_rc(o) == 1; }
LRS_INLINE uint8_t lean_is_exclusive_obj(lean_object *o) { return lean_is_exclusive(o); }
LRS_INLINE bool lean_is_shared(lean_object *o) { return lrs_rc(o) > 1; }

LRS_INLINE void lean_inc_ref_n(lean_object *o, size_t n) {
    if (LRS_UNLIKELY(n > LEAN_RC_INC_MAX)) {
        lean_inc_ref_huge_n(o, n);
        return;
    }
    int c = lrs_rc(o);
    if (LRS_LIKELY(c > 0)) {
        /* Unsigned addition: an overflow past INT_MAX lands in the sticky band by design. */
        lrs_set_rc(o, (int)((unsigned)c + (unsigned)n));
    } else if ((unsigned)c > (unsigned)LEAN_RC_STICKY) {
        /* Live MT count (persistent 0 and sticky counts compare below it as unsigned). */
        atomic_fetch_sub_explicit(lrs_rc_atomic(o), (int)n, memory_order_relaxed);
    }
}
LRS_INLINE void lean_inc_ref(lean_object *o) { lean_inc_ref_n(o, 1); }

LRS_INLINE void lean_dec_ref(lean_object *o) {
    int c = lrs_rc(o);
    if (LRS_LIKELY(c > 1)) {
        lrs_set_rc(o, c - 1);
    } else if (c != 0) {
        /* last ST reference, or an MT/sticky count: the runtime decides */
        lean_dec_ref_cold(o);
    }
}

LRS_INLINE void lean_inc(lean_object *o) {
    if (!lean_is_scalar(o)) lean_inc_ref(o);
}
LRS_INLINE void lean_inc_n(lean_object *o, size_t n) {
    if (!lean_is_scalar(o)) lean_inc_ref_n(o, n);
}
LRS_INLINE void lean_dec(lean_object *o) {
    if (!lean_is_scalar(o)) lean_dec_ref(o);
}

/* Frees the memory of a heap object without looking at its children (emitted for `del`). */
LRS_INLINE void lean_del_object(lean_object *o) {
    if (!lean_is_scalar(o)) lean_free_object(o);
}

LRS_INLINE bool lean_is_ctor(lean_object *o) { return lean_ptr_tag(o) <= LeanMaxCtorTag; }
LRS_INLINE bool lean_is_closure(lean_object *o) { return lean_ptr_tag(o) == LeanClosure; }
LRS_INLINE bool lean_is_array(lean_object *o) { return lean_ptr_tag(o) == LeanArray; }
LRS_INLINE bool lean_is_sarray(lean_object *o) { return lean_ptr_tag(o) == LeanScalarArray; }
LRS_INLINE bool lean_is_string(lean_object *o) { return lean_ptr_tag(o) == LeanString; }
LRS_INLINE bool lean_is_mpz(lean_object *o) { return lean_ptr_tag(o) == LeanMPZ; }
LRS_INLINE bool lean_is_thunk(lean_object *o) { return lean_ptr_tag(o) == LeanThunk; }
LRS_INLINE bool lean_is_task(lean_object *o) { return lean_ptr_tag(o) == LeanTask; }
LRS_INLINE bool lean_is_promise(lean_object *o) { return lean_ptr_tag(o) == LeanPromise; }
LRS_INLINE bool lean_is_external(lean_object *o) { return lean_ptr_tag(o) == LeanExternal; }
LRS_INLINE bool lean_is_ref(lean_object *o) { return lean_ptr_tag(o) == LeanRef; }
LRS_INLINE bool lean_is_big_object_tag(uint8_t tag) {
    return tag == LeanArray || tag == LeanStructArray || tag == LeanScalarArray || tag == LeanString;
}

/* Constructor index of a boxed scalar or of a heap object. */
LRS_INLINE unsigned lean_obj_tag(lean_object *o) {
    return lean_is_scalar(o) ? (unsigned)lean_unbox(o) : (unsigned)lean_ptr_tag(o);
}

LRS_INLINE lean_ctor_object *lean_to_ctor(lean_object *o) { return (lean_ctor_object *)o; }
LRS_INLINE lean_closure_object *lean_to_closure(lean_object *o) { return (lean_closure_object *)o; }
LRS_INLINE lean_array_object *lean_to_array(lean_object *o) { return (lean_array_object *)o; }
LRS_INLINE lean_sarray_object *lean_to_sarray(lean_object *o) { return (lean_sarray_object *)o; }
LRS_INLINE lean_string_object *lean_to_string(lean_object *o) { return (lean_string_object *)o; }
LRS_INLINE lean_thunk_object *lean_to_thunk(lean_object *o) { return (lean_thunk_object *)o; }
LRS_INLINE lean_task_object *lean_to_task(lean_object *o) { return (lean_task_object *)o; }
LRS_INLINE lean_ref_object *lean_to_ref(lean_object *o) { return (lean_ref_object *)o; }
LRS_INLINE lean_external_object *lean_to_external(lean_object *o) { return (lean_external_object *)o; }

/* Header of freshly allocated memory: ST, count 1. Under mimalloc the allocator already wrote
 * m_cs_sz, so it is left alone. */
LRS_INLINE void lean_set_st_header(lean_object *o, unsigned tag, unsigned other) {
    lrs_set_rc(o, 1);
    o->m_tag = (uint8_t)tag;
    o->m_other = (uint8_t)other;
}

/* Header of an object that lives outside the heap (count 0, size in m_cs_sz). */
LRS_INLINE void lean_set_non_heap_header(lean_object *o, size_t sz, unsigned tag, unsigned other) {
    lrs_set_rc(o, 0);
    o->m_tag = (uint8_t)tag;
    o->m_other = (uint8_t)other;
    o->m_cs_sz = (uint16_t)sz;
}

/* ---------------------------------------------------------------------------------------------
 * Allocation
 * ------------------------------------------------------------------------------------------- */

/* Small object of `sz` bytes (rounded up to 8, at most LEAN_MAX_SMALL_OBJECT_SIZE): counts one
 * heartbeat and records the rounded size in m_cs_sz. Sizes in mimalloc's direct classes use the
 * runtime's fast path; bigger ones go through lean_alloc_object (mimalloc + OOM panic). */
LRS_INLINE lean_object *lean_alloc_small_object(unsigned sz) {
    unsigned rounded = (unsigned)lean_align(sz, LEAN_OBJECT_SIZE_DELTA);
    if (LRS_LIKELY(rounded <= LEAN_RS_MI_SMALL_SIZE_MAX)) return lean_alloc_small_object_core(rounded);
    lean_inc_heartbeat();
    lean_object *o = lean_alloc_object(rounded);
    o->m_cs_sz = (uint16_t)rounded;
    return o;
}

/* As lean_alloc_small_object, and the last word is zeroed when rounding added padding, so that
 * structural comparison of constructor memory never sees uninitialised bytes. */
LRS_INLINE lean_object *lean_alloc_ctor_memory(unsigned sz) {
    unsigned rounded = (unsigned)lean_align(sz, LEAN_OBJECT_SIZE_DELTA);
    lean_object *o = lean_alloc_small_object(sz);
    if (rounded > sz) ((size_t *)o)[rounded / sizeof(size_t) - 1] = 0;
    return o;
}

LRS_INLINE unsigned lean_small_object_size(lean_object *o) { return o->m_cs_sz; }

/* ---------------------------------------------------------------------------------------------
 * Constructor objects
 *
 * Object fields are numbered from 0. Scalar accessors take a byte offset measured from the first
 * object field (emitted code passes `sizeof(void*)*num_objs + k`); the usize accessors take a
 * slot index in pointer-sized units.
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE unsigned lean_ctor_num_objs(lean_object *o) { return lean_ptr_other(o); }
LRS_INLINE lean_object **lean_ctor_obj_cptr(lean_object *o) { return lean_to_ctor(o)->m_objs; }
LRS_INLINE uint8_t *lean_ctor_scalar_cptr(lean_object *o) {
    return (uint8_t *)(lean_ctor_obj_cptr(o) + lean_ctor_num_objs(o));
}

LRS_INLINE lean_object *lean_alloc_ctor(unsigned tag, unsigned num_objs, unsigned scalar_sz) {
    size_t sz = lean_usize_add_checked(
        lean_usize_add_checked(sizeof(lean_ctor_object), lean_usize_mul_checked(sizeof(void *), num_objs)),
        scalar_sz);
    lean_object *o = lean_alloc_ctor_memory((unsigned)sz);
    lean_set_st_header(o, tag, num_objs);
    return o;
}

LRS_INLINE b_lean_obj_res lean_ctor_get(b_lean_obj_arg o, unsigned i) { return lean_ctor_obj_cptr(o)[i]; }
LRS_INLINE void lean_ctor_set(b_lean_obj_arg o, unsigned i, lean_obj_arg v) { lean_ctor_obj_cptr(o)[i] = v; }
LRS_INLINE void lean_ctor_set_tag(b_lean_obj_arg o, uint8_t tag) { o->m_tag = tag; }

/* Drops field i and leaves box(0) behind, so a later release of `o` cannot drop it twice. */
LRS_INLINE void lean_ctor_release(b_lean_obj_arg o, unsigned i) {
    lean_object **slot = lean_ctor_obj_cptr(o) + i;
    lean_dec(*slot);
    *slot = lean_box(0);
}

/* Drop of a constructor whose first `objs` fields are objects: when exclusive, release the fields
 * and free the cell directly; otherwise an ordinary decrement. */
LRS_INLINE void lean_dec_ref_known(lean_object *o, unsigned objs) {
    if (lean_is_exclusive(o)) {
        for (unsigned i = 0; i < objs; i++) lean_dec(lean_ctor_get(o, i));
        lean_free_object(o);
    } else {
        lean_dec_ref(o);
    }
}

LRS_INLINE size_t lean_ctor_get_usize(b_lean_obj_arg o, unsigned slot) {
    return *(size_t *)(lean_ctor_obj_cptr(o) + slot);
}
LRS_INLINE void lean_ctor_set_usize(b_lean_obj_arg o, unsigned slot, size_t v) {
    *(size_t *)(lean_ctor_obj_cptr(o) + slot) = v;
}

/* Typed scalar-area accessors; memcpy keeps them free of alignment and aliasing assumptions. */
#define LRS_CTOR_SCALAR(suffix, T)                                                   \
    LRS_INLINE T lean_ctor_get_##suffix(b_lean_obj_arg o, unsigned offset) {         \
        T v;                                                                         \
        __builtin_memcpy(&v, (uint8_t *)lean_ctor_obj_cptr(o) + offset, sizeof(T)); \
        return v;                                                                    \
    }                                                                                \
    LRS_INLINE void lean_ctor_set_##suffix(b_lean_obj_arg o, unsigned offset, T v) { \
        __builtin_memcpy((uint8_t *)lean_ctor_obj_cptr(o) + offset, &v, sizeof(T)); \
    }
LRS_CTOR_SCALAR(uint8, uint8_t)
LRS_CTOR_SCALAR(uint16, uint16_t)
LRS_CTOR_SCALAR(uint32, uint32_t)
LRS_CTOR_SCALAR(uint64, uint64_t)
LRS_CTOR_SCALAR(float, double)
LRS_CTOR_SCALAR(float32, float)
#undef LRS_CTOR_SCALAR

/* ---------------------------------------------------------------------------------------------
 * Closures
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE void *lean_closure_fun(lean_object *o) { return lean_to_closure(o)->m_fun; }
LRS_INLINE unsigned lean_closure_arity(lean_object *o) { return lean_to_closure(o)->m_arity; }
LRS_INLINE unsigned lean_closure_num_fixed(lean_object *o) { return lean_to_closure(o)->m_num_fixed; }
LRS_INLINE lean_object **lean_closure_arg_cptr(lean_object *o) { return lean_to_closure(o)->m_objs; }

/* Closure over `fun` (arity parameters, 0 < arity, num_fixed < arity); fixed arguments are set
 * afterwards with lean_closure_set. */
LRS_INLINE lean_obj_res lean_alloc_closure(void *fun, unsigned arity, unsigned num_fixed) {
    size_t sz = lean_usize_add_checked(sizeof(lean_closure_object), lean_usize_mul_checked(sizeof(void *), num_fixed));
    lean_closure_object *c = (lean_closure_object *)lean_alloc_object(sz);
    lean_set_st_header(&c->m_header, LeanClosure, 0);
    c->m_fun = fun;
    c->m_arity = (uint16_t)arity;
    c->m_num_fixed = (uint16_t)num_fixed;
    return &c->m_header;
}
LRS_INLINE b_lean_obj_res lean_closure_get(b_lean_obj_arg o, unsigned i) { return lean_closure_arg_cptr(o)[i]; }
LRS_INLINE void lean_closure_set(u_lean_obj_arg o, unsigned i, lean_obj_arg a) { lean_closure_arg_cptr(o)[i] = a; }
LRS_INLINE size_t lean_closure_byte_size(lean_object *o) {
    return sizeof(lean_closure_object) + sizeof(void *) * lean_closure_num_fixed(o);
}

/* ---------------------------------------------------------------------------------------------
 * Arrays of objects
 * ------------------------------------------------------------------------------------------- */

extern lean_obj_res lean_array_push(lean_obj_arg a, lean_obj_arg v);
extern lean_obj_res lean_mk_array(lean_obj_arg n, lean_obj_arg v);
extern lean_obj_res lean_array_mk(lean_obj_arg l);
extern lean_obj_res lean_array_to_list(lean_obj_arg a);
extern lean_obj_res lean_copy_expand_array(lean_obj_arg a, bool expand);

LRS_INLINE lean_obj_res lean_alloc_array(size_t size, size_t capacity) {
    size_t sz = lean_usize_add_checked(sizeof(lean_array_object), lean_usize_mul_checked(sizeof(void *), capacity));
    lean_array_object *a = (lean_array_object *)lean_alloc_object(sz);
    lean_set_st_header(&a->m_header, LeanArray, 0);
    a->m_size = size;
    a->m_capacity = capacity;
    return &a->m_header;
}
LRS_INLINE size_t lean_array_size(b_lean_obj_arg o) { return lean_to_array(o)->m_size; }
LRS_INLINE size_t lean_array_capacity(b_lean_obj_arg o) { return lean_to_array(o)->m_capacity; }
LRS_INLINE size_t lean_array_byte_size(lean_object *o) {
    return sizeof(lean_array_object) + sizeof(void *) * lean_array_capacity(o);
}
LRS_INLINE lean_object **lean_array_cptr(lean_object *o) { return lean_to_array(o)->m_data; }
LRS_INLINE void lean_array_set_size(u_lean_obj_arg o, size_t sz) { lean_to_array(o)->m_size = sz; }
LRS_INLINE b_lean_obj_res lean_array_get_core(b_lean_obj_arg o, size_t i) { return lean_array_cptr(o)[i]; }
LRS_INLINE void lean_array_set_core(u_lean_obj_arg o, size_t i, lean_obj_arg v) { lean_array_cptr(o)[i] = v; }

LRS_INLINE lean_obj_res lean_array_get_size(b_lean_obj_arg a) { return lean_box(lean_array_size(a)); }
LRS_INLINE lean_obj_res lean_array_sz(lean_obj_arg a) {
    lean_object *r = lean_box(lean_array_size(a));
    lean_dec(a);
    return r;
}
LRS_INLINE lean_obj_res lean_mk_empty_array(void) { return lean_alloc_array(0, 0); }
LRS_INLINE lean_obj_res lean_mk_empty_array_with_capacity(b_lean_obj_arg capacity) {
    /* a capacity that is not even a small Nat could never be allocated */
    if (!lean_is_scalar(capacity)) lean_internal_panic_out_of_memory();
    return lean_alloc_array(0, lean_unbox(capacity));
}

LRS_INLINE lean_obj_res lean_array_uget(b_lean_obj_arg a, size_t i) {
    lean_object *v = lean_array_get_core(a, i);
    lean_inc(v);
    return v;
}
LRS_INLINE b_lean_obj_res lean_array_uget_borrowed(b_lean_obj_arg a, size_t i) { return lean_array_get_core(a, i); }
LRS_INLINE lean_obj_res lean_array_fget(b_lean_obj_arg a, b_lean_obj_arg i) { return lean_array_uget(a, lean_unbox(i)); }
LRS_INLINE b_lean_obj_res lean_array_fget_borrowed(b_lean_obj_arg a, b_lean_obj_arg i) {
    return lean_array_get_core(a, lean_unbox(i));
}

/* `a[i]!`: a big-Nat index is necessarily out of bounds (no array has that many cells). */
LRS_INLINE lean_obj_res lean_array_get(b_lean_obj_arg def_val, b_lean_obj_arg a, b_lean_obj_arg i) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_array_size(a)) return lean_array_uget(a, lean_unbox(i));
    lean_inc(def_val);
    return lean_array_get_panic(def_val);
}
LRS_INLINE b_lean_obj_res lean_array_get_borrowed(b_lean_obj_arg def_val, b_lean_obj_arg a, b_lean_obj_arg i) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_array_size(a)) return lean_array_get_core(a, lean_unbox(i));
    lean_inc(def_val);
    return lean_array_get_panic(def_val);
}

LRS_INLINE lean_obj_res lean_ensure_exclusive_array(lean_obj_arg a) {
    return lean_is_exclusive(a) ? a : lean_copy_expand_array_nonlinear(a, false);
}
LRS_INLINE lean_obj_res lean_array_uset(lean_obj_arg a, size_t i, lean_obj_arg v) {
    lean_object *r = lean_ensure_exclusive_array(a);
    lean_object **slot = lean_array_cptr(r) + i;
    lean_dec(*slot);
    *slot = v;
    return r;
}
LRS_INLINE lean_obj_res lean_array_fset(lean_obj_arg a, b_lean_obj_arg i, lean_obj_arg v) {
    return lean_array_uset(a, lean_unbox(i), v);
}
LRS_INLINE lean_obj_res lean_array_set(lean_obj_arg a, b_lean_obj_arg i, lean_obj_arg v) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_array_size(a)) return lean_array_uset(a, lean_unbox(i), v);
    return lean_array_set_panic(a, v);
}
LRS_INLINE lean_obj_res lean_array_pop(lean_obj_arg a) {
    lean_object *r = lean_ensure_exclusive_array(a);
    size_t n = lean_array_size(r);
    if (n == 0) return r;
    lean_array_set_size(r, n - 1);
    lean_dec(lean_array_cptr(r)[n - 1]);
    return r;
}
LRS_INLINE lean_obj_res lean_array_uswap(lean_obj_arg a, size_t i, size_t j) {
    lean_object *r = lean_ensure_exclusive_array(a);
    lean_object **d = lean_array_cptr(r);
    lean_object *t = d[i];
    d[i] = d[j];
    d[j] = t;
    return r;
}
LRS_INLINE lean_obj_res lean_array_fswap(lean_obj_arg a, b_lean_obj_arg i, b_lean_obj_arg j) {
    return lean_array_uswap(a, lean_unbox(i), lean_unbox(j));
}
LRS_INLINE lean_obj_res lean_array_swap(lean_obj_arg a, b_lean_obj_arg i, b_lean_obj_arg j) {
    if (!lean_is_scalar(i) || !lean_is_scalar(j)) return a;
    size_t n = lean_array_size(a);
    if (lean_unbox(i) >= n || lean_unbox(j) >= n) return a;
    return lean_array_uswap(a, lean_unbox(i), lean_unbox(j));
}

/* ---------------------------------------------------------------------------------------------
 * Scalar arrays (ByteArray, FloatArray)
 * ------------------------------------------------------------------------------------------- */

extern lean_obj_res lean_byte_array_push(lean_obj_arg a, uint8_t b);
extern lean_obj_res lean_float_array_push(lean_obj_arg a, double d);
extern lean_obj_res lean_copy_sarray(lean_obj_arg a, size_t cap);

LRS_INLINE lean_obj_res lean_alloc_sarray(unsigned elem_size, size_t size, size_t capacity) {
    if (LRS_UNLIKELY(elem_size >= LEAN_LINEAR_MARK_MASK)) lean_internal_panic("scalar array element size too large");
    size_t sz = lean_usize_add_checked(sizeof(lean_sarray_object), lean_usize_mul_checked(elem_size, capacity));
    lean_sarray_object *a = (lean_sarray_object *)lean_alloc_object(sz);
    lean_set_st_header(&a->m_header, LeanScalarArray, elem_size);
    a->m_size = size;
    a->m_capacity = capacity;
    return &a->m_header;
}
/* The element size lives in m_other below the linearity bit. */
LRS_INLINE unsigned lean_sarray_elem_size(lean_object *o) { return lean_ptr_other(o) & ~LEAN_LINEAR_MARK_MASK; }
LRS_INLINE size_t lean_sarray_size(b_lean_obj_arg o) { return lean_to_sarray(o)->m_size; }
LRS_INLINE size_t lean_sarray_capacity(lean_object *o) { return lean_to_sarray(o)->m_capacity; }
LRS_INLINE size_t lean_sarray_byte_size(lean_object *o) {
    return sizeof(lean_sarray_object) + lean_sarray_elem_size(o) * lean_sarray_capacity(o);
}
LRS_INLINE uint8_t *lean_sarray_cptr(lean_object *o) { return lean_to_sarray(o)->m_data; }
LRS_INLINE void lean_sarray_set_size(u_lean_obj_arg o, size_t sz) { lean_to_sarray(o)->m_size = sz; }
LRS_INLINE lean_obj_res lean_sarray_ensure_exclusive(lean_obj_arg a) {
    return lean_is_exclusive(a) ? a : lean_copy_sarray_nonlinear(a, lean_sarray_capacity(a));
}
LRS_INLINE bool lean_sarray_eq(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    return a1 == a2 || (lean_sarray_size(a1) == lean_sarray_size(a2) && lean_sarray_eq_cold(a1, a2));
}
LRS_INLINE uint8_t lean_sarray_dec_eq(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_sarray_eq(a1, a2); }

LRS_INLINE lean_obj_res lean_mk_empty_byte_array(b_lean_obj_arg capacity) {
    if (!lean_is_scalar(capacity)) lean_internal_panic_out_of_memory();
    return lean_alloc_sarray(1, 0, lean_unbox(capacity));
}
LRS_INLINE lean_obj_res lean_byte_array_size(b_lean_obj_arg a) { return lean_box(lean_sarray_size(a)); }
LRS_INLINE uint8_t lean_byte_array_uget(b_lean_obj_arg a, size_t i) { return lean_sarray_cptr(a)[i]; }
LRS_INLINE uint8_t lean_byte_array_fget(b_lean_obj_arg a, b_lean_obj_arg i) {
    return lean_byte_array_uget(a, lean_unbox(i));
}
LRS_INLINE uint8_t lean_byte_array_get(b_lean_obj_arg a, b_lean_obj_arg i) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_sarray_size(a)) return lean_byte_array_uget(a, lean_unbox(i));
    return 0;
}
LRS_INLINE lean_obj_res lean_byte_array_uset(lean_obj_arg a, size_t i, uint8_t v) {
    lean_object *r = lean_sarray_ensure_exclusive(a);
    lean_sarray_cptr(r)[i] = v;
    return r;
}
LRS_INLINE lean_obj_res lean_byte_array_fset(lean_obj_arg a, b_lean_obj_arg i, uint8_t v) {
    return lean_byte_array_uset(a, lean_unbox(i), v);
}
LRS_INLINE lean_obj_res lean_byte_array_set(lean_obj_arg a, b_lean_obj_arg i, uint8_t v) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_sarray_size(a)) return lean_byte_array_uset(a, lean_unbox(i), v);
    return a;
}

LRS_INLINE lean_obj_res lean_mk_empty_float_array(b_lean_obj_arg capacity) {
    if (!lean_is_scalar(capacity)) lean_internal_panic_out_of_memory();
    return lean_alloc_sarray(sizeof(double), 0, lean_unbox(capacity));
}
LRS_INLINE lean_obj_res lean_float_array_size(b_lean_obj_arg a) { return lean_box(lean_sarray_size(a)); }
LRS_INLINE double *lean_float_array_cptr(b_lean_obj_arg a) { return (double *)lean_sarray_cptr(a); }
LRS_INLINE double lean_float_array_uget(b_lean_obj_arg a, size_t i) { return lean_float_array_cptr(a)[i]; }
LRS_INLINE double lean_float_array_fget(b_lean_obj_arg a, b_lean_obj_arg i) {
    return lean_float_array_uget(a, lean_unbox(i));
}
LRS_INLINE double lean_float_array_get(b_lean_obj_arg a, b_lean_obj_arg i) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_sarray_size(a)) return lean_float_array_uget(a, lean_unbox(i));
    return 0.0;
}
LRS_INLINE lean_obj_res lean_float_array_uset(lean_obj_arg a, size_t i, double d) {
    lean_object *r = lean_sarray_ensure_exclusive(a);
    lean_float_array_cptr(r)[i] = d;
    return r;
}
LRS_INLINE lean_obj_res lean_float_array_fset(lean_obj_arg a, b_lean_obj_arg i, double d) {
    return lean_float_array_uset(a, lean_unbox(i), d);
}
LRS_INLINE lean_obj_res lean_float_array_set(lean_obj_arg a, b_lean_obj_arg i, double d) {
    if (lean_is_scalar(i) && lean_unbox(i) < lean_sarray_size(a)) return lean_float_array_uset(a, lean_unbox(i), d);
    return a;
}

/* ---------------------------------------------------------------------------------------------
 * Strings
 * ------------------------------------------------------------------------------------------- */

extern lean_obj_res lean_string_push(lean_obj_arg s, uint32_t c);
extern lean_obj_res lean_string_append(lean_obj_arg s1, b_lean_obj_arg s2);

LRS_INLINE lean_obj_res lean_alloc_string(size_t size, size_t capacity, size_t len) {
    lean_string_object *s =
        (lean_string_object *)lean_alloc_object(lean_usize_add_checked(sizeof(lean_string_object), capacity));
    lean_set_st_header(&s->m_header, LeanString, 0);
    s->m_size = size;
    s->m_capacity = capacity;
    s->m_length = len;
    return &s->m_header;
}
LRS_INLINE size_t lean_string_size(b_lean_obj_arg o) { return lean_to_string(o)->m_size; }
LRS_INLINE size_t lean_string_len(b_lean_obj_arg o) { return lean_to_string(o)->m_length; }
LRS_INLINE size_t lean_string_capacity(lean_object *o) { return lean_to_string(o)->m_capacity; }
LRS_INLINE size_t lean_string_byte_size(lean_object *o) { return sizeof(lean_string_object) + lean_string_capacity(o); }
LRS_INLINE char const *lean_string_cstr(b_lean_obj_arg o) { return lean_to_string(o)->m_data; }
LRS_INLINE uint32_t lean_char_default_value(void) { return 'A'; }

LRS_INLINE lean_obj_res lean_string_length(b_lean_obj_arg s) { return lean_box(lean_string_len(s)); }
LRS_INLINE lean_obj_res lean_string_utf8_byte_size(b_lean_obj_arg s) { return lean_box(lean_string_size(s) - 1); }
LRS_INLINE bool lean_string_eq(b_lean_obj_arg s1, b_lean_obj_arg s2) {
    return s1 == s2 || (lean_string_size(s1) == lean_string_size(s2) && lean_string_eq_cold(s1, s2));
}
LRS_INLINE bool lean_string_ne(b_lean_obj_arg s1, b_lean_obj_arg s2) { return !lean_string_eq(s1, s2); }
LRS_INLINE uint8_t lean_string_dec_eq(b_lean_obj_arg s1, b_lean_obj_arg s2) { return lean_string_eq(s1, s2); }
LRS_INLINE uint8_t lean_string_dec_lt(b_lean_obj_arg s1, b_lean_obj_arg s2) { return lean_string_lt(s1, s2); }

/* `i` is a byte position; positions that are not small Nats are past the end. */
LRS_INLINE uint8_t lean_string_utf8_at_end(b_lean_obj_arg s, b_lean_obj_arg i) {
    return !lean_is_scalar(i) || lean_unbox(i) >= lean_string_size(s) - 1;
}
LRS_INLINE uint32_t lean_string_utf8_get_fast(b_lean_obj_arg s, b_lean_obj_arg i) {
    char const *str = lean_string_cstr(s);
    size_t pos = lean_unbox(i);
    unsigned char c = (unsigned char)str[pos];
    if (c < 0x80) return c; /* ASCII */
    return lean_string_utf8_get_fast_cold(str, pos, lean_string_size(s), c);
}
LRS_INLINE lean_obj_res lean_string_utf8_next_fast(b_lean_obj_arg s, b_lean_obj_arg i) {
    size_t pos = lean_unbox(i);
    unsigned char c = (unsigned char)lean_string_cstr(s)[pos];
    if (c < 0x80) return lean_box(pos + 1);
    return lean_string_utf8_next_fast_cold(pos, c);
}
LRS_INLINE uint8_t lean_string_get_byte_fast(b_lean_obj_arg s, b_lean_obj_arg i) {
    return (uint8_t)lean_string_cstr(s)[lean_unbox(i)];
}
LRS_INLINE uint8_t lean_string_uget_byte_fast(b_lean_obj_arg s, size_t i) { return (uint8_t)lean_string_cstr(s)[i]; }
LRS_INLINE lean_obj_res lean_string_ensure_exclusive(lean_obj_arg s) {
    return lean_is_exclusive(s) ? s : lean_copy_string_nonlinear(s, lean_string_capacity(s));
}

/* ---------------------------------------------------------------------------------------------
 * Thunks and tasks
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE lean_obj_res lrs_alloc_thunk(lean_object *value, lean_object *closure) {
    lean_thunk_object *t = (lean_thunk_object *)lean_alloc_small_object(sizeof(lean_thunk_object));
    lean_set_st_header(&t->m_header, LeanThunk, 0);
    atomic_store_explicit(&t->m_value, value, memory_order_relaxed);
    atomic_store_explicit(&t->m_closure, closure, memory_order_relaxed);
    return &t->m_header;
}
/* Thunk.mk (consumes the closure) and Thunk.pure (consumes the value). */
LRS_INLINE lean_obj_res lean_mk_thunk(lean_obj_arg c) { return lrs_alloc_thunk(NULL, c); }
LRS_INLINE lean_obj_res lean_thunk_pure(lean_obj_arg v) { return lrs_alloc_thunk(v, NULL); }
LRS_INLINE b_lean_obj_res lean_thunk_get(b_lean_obj_arg t) {
    lean_object *v = atomic_load_explicit(&lean_to_thunk(t)->m_value, memory_order_acquire);
    return v ? v : lean_thunk_get_core(t);
}
LRS_INLINE lean_obj_res lean_thunk_get_own(b_lean_obj_arg t) {
    lean_object *v = lean_thunk_get(t);
    lean_inc(v);
    return v;
}

LRS_INLINE lean_obj_res lean_task_spawn(lean_obj_arg c, lean_obj_arg prio) {
    return lean_task_spawn_core(c, (unsigned)lean_unbox(prio), false);
}
LRS_INLINE lean_obj_res lean_task_bind(lean_obj_arg x, lean_obj_arg f, lean_obj_arg prio, uint8_t sync) {
    return lean_task_bind_core(x, f, (unsigned)lean_unbox(prio), sync, false);
}
LRS_INLINE lean_obj_res lean_task_map(lean_obj_arg f, lean_obj_arg t, lean_obj_arg prio, uint8_t sync) {
    return lean_task_map_core(f, t, (unsigned)lean_unbox(prio), sync, false);
}
LRS_INLINE lean_obj_res lean_task_get_own(lean_obj_arg t) {
    lean_object *v = lean_task_get(t);
    lean_inc(v);
    lean_dec(t);
    return v;
}

/* ---------------------------------------------------------------------------------------------
 * External objects
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE lean_object *lean_alloc_external(lean_external_class *cls, void *data) {
    lean_external_object *e = (lean_external_object *)lean_alloc_small_object(sizeof(lean_external_object));
    lean_set_st_header(&e->m_header, LeanExternal, 0);
    e->m_class = cls;
    e->m_data = data;
    return &e->m_header;
}
LRS_INLINE lean_external_class *lean_get_external_class(lean_object *o) { return lean_to_external(o)->m_class; }
LRS_INLINE void *lean_get_external_data(lean_object *o) { return lean_to_external(o)->m_data; }
LRS_INLINE lean_object *lean_set_external_data(lean_object *o, void *data) {
    if (lean_is_exclusive(o)) {
        lean_to_external(o)->m_data = data;
        return o;
    }
    lean_object *fresh = lean_alloc_external(lean_get_external_class(o), data);
    lean_dec_ref(o);
    return fresh;
}

/* ---------------------------------------------------------------------------------------------
 * Nat: boxed when <= LEAN_MAX_SMALL_NAT, else an MPZ object. Arguments are borrowed.
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE bool lrs_both_scalar(lean_object *a, lean_object *b) { return ((uintptr_t)a & (uintptr_t)b & 1u) != 0; }

LRS_INLINE lean_obj_res lean_usize_to_nat(size_t n) {
    return LRS_LIKELY(n <= LEAN_MAX_SMALL_NAT) ? lean_box(n) : lean_big_usize_to_nat(n);
}
LRS_INLINE lean_obj_res lean_unsigned_to_nat(unsigned n) { return lean_usize_to_nat(n); }
LRS_INLINE lean_obj_res lean_uint64_to_nat(uint64_t n) {
    return LRS_LIKELY(n <= LEAN_MAX_SMALL_NAT) ? lean_box((size_t)n) : lean_big_uint64_to_nat(n);
}

LRS_INLINE lean_obj_res lean_nat_succ(b_lean_obj_arg a) {
    return LRS_LIKELY(lean_is_scalar(a)) ? lean_usize_to_nat(lean_unbox(a) + 1) : lean_nat_big_succ(a);
}
LRS_INLINE lean_obj_res lean_nat_add(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    /* two small Nats are < 2^63 each, so the sum fits size_t */
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_usize_to_nat(lean_unbox(a1) + lean_unbox(a2));
    return lean_nat_big_add(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_sub(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        size_t x = lean_unbox(a1), y = lean_unbox(a2);
        return lean_box(x < y ? 0 : x - y);
    }
    return lean_nat_big_sub(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_mul(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        size_t x = lean_unbox(a1), y = lean_unbox(a2), r;
        if (!__builtin_mul_overflow(x, y, &r) && r <= LEAN_MAX_SMALL_NAT) return lean_box(r);
        return lean_nat_overflow_mul(x, y);
    }
    return lean_nat_big_mul(a1, a2);
}
/* Division by zero yields 0; modulus by zero yields the dividend. */
LRS_INLINE lean_obj_res lean_nat_div(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        size_t y = lean_unbox(a2);
        return lean_box(y == 0 ? 0 : lean_unbox(a1) / y);
    }
    return lean_nat_big_div(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_div_exact(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        size_t y = lean_unbox(a2);
        return lean_box(y == 0 ? 0 : lean_unbox(a1) / y);
    }
    return lean_nat_big_div_exact(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_mod(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        size_t x = lean_unbox(a1), y = lean_unbox(a2);
        return lean_box(y == 0 ? x : x % y);
    }
    return lean_nat_big_mod(a1, a2);
}
/* A boxed Nat and a big one are never equal: big values are always > LEAN_MAX_SMALL_NAT. */
LRS_INLINE bool lean_nat_eq(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return a1 == a2;
    return lean_nat_big_eq(a1, a2);
}
LRS_INLINE bool lean_nat_ne(b_lean_obj_arg a1, b_lean_obj_arg a2) { return !lean_nat_eq(a1, a2); }
LRS_INLINE bool lean_nat_le(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_unbox(a1) <= lean_unbox(a2);
    return lean_nat_big_le(a1, a2);
}
LRS_INLINE bool lean_nat_lt(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_unbox(a1) < lean_unbox(a2);
    return lean_nat_big_lt(a1, a2);
}
LRS_INLINE uint8_t lean_nat_dec_eq(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_nat_eq(a1, a2); }
LRS_INLINE uint8_t lean_nat_dec_le(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_nat_le(a1, a2); }
LRS_INLINE uint8_t lean_nat_dec_lt(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_nat_lt(a1, a2); }
LRS_INLINE lean_obj_res lean_nat_land(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_box(lean_unbox(a1) & lean_unbox(a2));
    return lean_nat_big_land(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_lor(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_box(lean_unbox(a1) | lean_unbox(a2));
    return lean_nat_big_lor(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_lxor(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_box(lean_unbox(a1) ^ lean_unbox(a2));
    return lean_nat_big_xor(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_shiftr(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        size_t x = lean_unbox(a1), k = lean_unbox(a2);
        return lean_box(k < 64 ? x >> k : 0);
    }
    return lean_nat_big_shiftr(a1, a2);
}
LRS_INLINE lean_obj_res lean_nat_pred(b_lean_obj_arg n) { return lean_nat_sub(n, lean_box(1)); }

/* ---------------------------------------------------------------------------------------------
 * Int: boxed as the 32-bit two's-complement pattern when in [INT_MIN, INT_MAX], else MPZ.
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE lean_obj_res lean_int_to_int(int n) { return lean_box((size_t)(unsigned)n); }
LRS_INLINE lean_obj_res lean_int64_to_int(int64_t n) {
    if (LRS_LIKELY(n >= LEAN_MIN_SMALL_INT && n <= LEAN_MAX_SMALL_INT)) return lean_int_to_int((int)n);
    return lean_big_int64_to_int(n);
}
LRS_INLINE int lean_scalar_to_int(b_lean_obj_arg a) { return (int)(unsigned)lean_unbox(a); }
LRS_INLINE int64_t lean_scalar_to_int64(b_lean_obj_arg a) { return (int64_t)lean_scalar_to_int(a); }

/* Consumes `a`. */
LRS_INLINE lean_obj_res lean_nat_to_int(lean_obj_arg a) {
    if (!lean_is_scalar(a)) return a; /* a big Nat object is also a valid big Int */
    size_t v = lean_unbox(a);
    return v <= (size_t)LEAN_MAX_SMALL_INT ? a : lean_big_size_t_to_int(v);
}
LRS_INLINE lean_obj_res lean_int_neg(b_lean_obj_arg a) {
    return LRS_LIKELY(lean_is_scalar(a)) ? lean_int64_to_int(-lean_scalar_to_int64(a)) : lean_int_big_neg(a);
}
/* -(a+1) for a Nat `a` (consumed). */
LRS_INLINE lean_obj_res lean_int_neg_succ_of_nat(lean_obj_arg a) {
    lean_object *s = lean_nat_succ(a);
    lean_dec(a);
    lean_object *i = lean_nat_to_int(s);
    lean_object *r = lean_int_neg(i);
    lean_dec(i);
    return r;
}
LRS_INLINE lean_obj_res lean_int_add(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_int64_to_int(lean_scalar_to_int64(a1) + lean_scalar_to_int64(a2));
    return lean_int_big_add(a1, a2);
}
LRS_INLINE lean_obj_res lean_int_sub(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_int64_to_int(lean_scalar_to_int64(a1) - lean_scalar_to_int64(a2));
    return lean_int_big_sub(a1, a2);
}
LRS_INLINE lean_obj_res lean_int_mul(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    /* |x|,|y| <= 2^31, so the 64-bit product cannot overflow */
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_int64_to_int(lean_scalar_to_int64(a1) * lean_scalar_to_int64(a2));
    return lean_int_big_mul(a1, a2);
}
/* T-division (rounds toward zero); x / 0 = 0 and x % 0 = x. */
LRS_INLINE lean_obj_res lean_int_div(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        int64_t x = lean_scalar_to_int64(a1), y = lean_scalar_to_int64(a2);
        return y == 0 ? lean_box(0) : lean_int64_to_int(x / y);
    }
    return lean_int_big_div(a1, a2);
}
LRS_INLINE lean_obj_res lean_int_div_exact(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        int64_t x = lean_scalar_to_int64(a1), y = lean_scalar_to_int64(a2);
        return y == 0 ? lean_box(0) : lean_int64_to_int(x / y);
    }
    return lean_int_big_div_exact(a1, a2);
}
LRS_INLINE lean_obj_res lean_int_mod(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        int64_t x = lean_scalar_to_int64(a1), y = lean_scalar_to_int64(a2);
        return y == 0 ? a1 : lean_int64_to_int(x % y);
    }
    return lean_int_big_mod(a1, a2);
}
/* Euclidean division: the remainder is always >= 0. */
LRS_INLINE lean_obj_res lean_int_ediv(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        int64_t x = lean_scalar_to_int64(a1), y = lean_scalar_to_int64(a2);
        if (y == 0) return lean_box(0);
        int64_t q = x / y;
        if (x % y < 0) q += (y > 0) ? -1 : 1;
        return lean_int64_to_int(q);
    }
    return lean_int_big_ediv(a1, a2);
}
LRS_INLINE lean_obj_res lean_int_emod(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) {
        int64_t x = lean_scalar_to_int64(a1), y = lean_scalar_to_int64(a2);
        if (y == 0) return a1;
        int64_t r = x % y;
        if (r < 0) r += (y > 0) ? y : -y;
        return lean_int64_to_int(r);
    }
    return lean_int_big_emod(a1, a2);
}
LRS_INLINE bool lean_int_eq(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return a1 == a2;
    return lean_int_big_eq(a1, a2);
}
LRS_INLINE bool lean_int_ne(b_lean_obj_arg a1, b_lean_obj_arg a2) { return !lean_int_eq(a1, a2); }
LRS_INLINE bool lean_int_le(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_scalar_to_int(a1) <= lean_scalar_to_int(a2);
    return lean_int_big_le(a1, a2);
}
LRS_INLINE bool lean_int_lt(b_lean_obj_arg a1, b_lean_obj_arg a2) {
    if (LRS_LIKELY(lrs_both_scalar(a1, a2))) return lean_scalar_to_int(a1) < lean_scalar_to_int(a2);
    return lean_int_big_lt(a1, a2);
}
LRS_INLINE uint8_t lean_int_dec_eq(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_int_eq(a1, a2); }
LRS_INLINE uint8_t lean_int_dec_le(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_int_le(a1, a2); }
LRS_INLINE uint8_t lean_int_dec_lt(b_lean_obj_arg a1, b_lean_obj_arg a2) { return lean_int_lt(a1, a2); }
LRS_INLINE uint8_t lean_int_dec_nonneg(b_lean_obj_arg a) {
    return LRS_LIKELY(lean_is_scalar(a)) ? lean_scalar_to_int(a) >= 0 : lean_int_big_nonneg(a);
}
/* Consumes a non-negative Int. */
LRS_INLINE lean_obj_res lean_int_to_nat(lean_obj_arg a) { return lean_is_scalar(a) ? a : lean_big_int_to_nat(a); }
LRS_INLINE lean_obj_res lean_nat_abs(b_lean_obj_arg i) {
    if (lean_int_lt(i, lean_box(0))) return lean_int_to_nat(lean_int_neg(i));
    lean_inc(i);
    return lean_int_to_nat(i);
}

/* ---------------------------------------------------------------------------------------------
 * Fixed-width unsigned integers: UInt8/16/32/64 and USize, passed unboxed.
 * Arithmetic wraps; x / 0 = 0, x % 0 = x; shifts use the amount modulo the width.
 * ------------------------------------------------------------------------------------------- */

#define LRS_UINT_OPS(N, T, BITS)                                                                   \
    LRS_INLINE T lean_##N##_of_nat(b_lean_obj_arg a) {                                             \
        return lean_is_scalar(a) ? (T)lean_unbox(a) : lean_##N##_of_big_nat(a);                   \
    }                                                                                              \
    LRS_INLINE T lean_##N##_of_nat_mk(lean_obj_arg a) {                                            \
        T r = lean_##N##_of_nat(a);                                                                \
        lean_dec(a);                                                                               \
        return r;                                                                                  \
    }                                                                                              \
    LRS_INLINE T lean_##N##_add(T a, T b) { return (T)(a + b); }                                   \
    LRS_INLINE T lean_##N##_sub(T a, T b) { return (T)(a - b); }                                   \
    LRS_INLINE T lean_##N##_mul(T a, T b) { return (T)((uint64_t)a * (uint64_t)b); }               \
    LRS_INLINE T lean_##N##_div(T a, T b) { return b == 0 ? 0 : (T)(a / b); }                      \
    LRS_INLINE T lean_##N##_mod(T a, T b) { return b == 0 ? a : (T)(a % b); }                      \
    LRS_INLINE T lean_##N##_land(T a, T b) { return (T)(a & b); }                                  \
    LRS_INLINE T lean_##N##_lor(T a, T b) { return (T)(a | b); }                                   \
    LRS_INLINE T lean_##N##_xor(T a, T b) { return (T)(a ^ b); }                                   \
    LRS_INLINE T lean_##N##_shift_left(T a, T b) { return (T)((uint64_t)a << (b % BITS)); }        \
    LRS_INLINE T lean_##N##_shift_right(T a, T b) { return (T)(a >> (b % BITS)); }                 \
    LRS_INLINE T lean_##N##_complement(T a) { return (T)~a; }                                      \
    LRS_INLINE T lean_##N##_neg(T a) { return (T)(0 - (uint64_t)a); }                              \
    LRS_INLINE T lean_##N##_log2(T a) { return a == 0 ? 0 : (T)(63 - __builtin_clzll((uint64_t)a)); } \
    LRS_INLINE uint8_t lean_##N##_dec_eq(T a, T b) { return a == b; }                              \
    LRS_INLINE uint8_t lean_##N##_dec_lt(T a, T b) { return a < b; }                               \
    LRS_INLINE uint8_t lean_##N##_dec_le(T a, T b) { return a <= b; }                              \
    LRS_INLINE T lean_bool_to_##N(uint8_t a) { return (T)a; }                                      \
    LRS_INLINE double lean_##N##_to_float(T a) { return (double)a; }                               \
    LRS_INLINE float lean_##N##_to_float32(T a) { return (float)a; }
LRS_UINT_OPS(uint8, uint8_t, 8)
LRS_UINT_OPS(uint16, uint16_t, 16)
LRS_UINT_OPS(uint32, uint32_t, 32)
LRS_UINT_OPS(uint64, uint64_t, 64)
LRS_UINT_OPS(usize, size_t, 64)
#undef LRS_UINT_OPS

/* UInt64 -> Nat can be big; the narrower ones are always small. */
LRS_INLINE lean_obj_res lean_uint8_to_nat(uint8_t a) { return lean_box(a); }
LRS_INLINE lean_obj_res lean_uint16_to_nat(uint16_t a) { return lean_box(a); }
LRS_INLINE lean_obj_res lean_uint32_to_nat(uint32_t a) { return lean_box(a); }

/* Width conversions between the unsigned types truncate or zero-extend. */
#define LRS_UCONV(F, TF, G, TG) \
    LRS_INLINE TG lean_##F##_to_##G(TF a) { return (TG)a; }
LRS_UCONV(uint8, uint8_t, uint16, uint16_t)
LRS_UCONV(uint8, uint8_t, uint32, uint32_t)
LRS_UCONV(uint8, uint8_t, uint64, uint64_t)
LRS_UCONV(uint8, uint8_t, usize, size_t)
LRS_UCONV(uint16, uint16_t, uint8, uint8_t)
LRS_UCONV(uint16, uint16_t, uint32, uint32_t)
LRS_UCONV(uint16, uint16_t, uint64, uint64_t)
LRS_UCONV(uint16, uint16_t, usize, size_t)
LRS_UCONV(uint32, uint32_t, uint8, uint8_t)
LRS_UCONV(uint32, uint32_t, uint16, uint16_t)
LRS_UCONV(uint32, uint32_t, uint64, uint64_t)
LRS_UCONV(uint32, uint32_t, usize, size_t)
LRS_UCONV(uint64, uint64_t, uint8, uint8_t)
LRS_UCONV(uint64, uint64_t, uint16, uint16_t)
LRS_UCONV(uint64, uint64_t, uint32, uint32_t)
LRS_UCONV(uint64, uint64_t, usize, size_t)
LRS_UCONV(usize, size_t, uint8, uint8_t)
LRS_UCONV(usize, size_t, uint16, uint16_t)
LRS_UCONV(usize, size_t, uint32, uint32_t)
LRS_UCONV(usize, size_t, uint64, uint64_t)
#undef LRS_UCONV

/* The hash mixer behind `mixHash` (MurmurHash2's 64-bit step). */
LRS_INLINE uint64_t lean_uint64_mix_hash(uint64_t h, uint64_t k) {
    const uint64_t m = 0xc6a4a7935bd1e995ull;
    k *= m;
    k ^= k >> 47;
    k ^= m;
    h ^= k;
    h *= m;
    return h;
}

/* ---------------------------------------------------------------------------------------------
 * Fixed-width signed integers: Int8/16/32/64 and ISize, passed as the unsigned type of the same
 * width holding the two's-complement pattern. Arithmetic wraps (computed unsigned, never UB);
 * x / 0 = 0, x % 0 = x, MIN / -1 = MIN, MIN % -1 = 0; shift amounts are taken mod the width.
 * ------------------------------------------------------------------------------------------- */

#define LRS_SINT_OPS(N, U, S, BITS, SMIN)                                                           \
    LRS_INLINE U lean_##N##_of_int(b_lean_obj_arg a) {                                              \
        return lean_is_scalar(a) ? (U)lean_scalar_to_int64(a) : (U)lean_##N##_of_big_int(a);        \
    }                                                                                               \
    LRS_INLINE U lean_##N##_of_nat(b_lean_obj_arg a) {                                              \
        return lean_is_scalar(a) ? (U)lean_unbox(a) : (U)lean_##N##_of_big_int(a);                  \
    }                                                                                               \
    LRS_INLINE U lean_##N##_neg(U a) { return (U)(0 - (uint64_t)a); }                               \
    LRS_INLINE U lean_##N##_add(U a, U b) { return (U)((uint64_t)a + b); }                          \
    LRS_INLINE U lean_##N##_sub(U a, U b) { return (U)((uint64_t)a - b); }                          \
    LRS_INLINE U lean_##N##_mul(U a, U b) { return (U)((uint64_t)a * b); }                          \
    LRS_INLINE U lean_##N##_div(U a, U b) {                                                         \
        S x = (S)a, y = (S)b;                                                                       \
        if (y == 0) return 0;                                                                       \
        if (x == SMIN && y == -1) return a;                                                         \
        return (U)(x / y);                                                                          \
    }                                                                                               \
    LRS_INLINE U lean_##N##_mod(U a, U b) {                                                         \
        S x = (S)a, y = (S)b;                                                                       \
        if (y == 0) return a;                                                                       \
        if (x == SMIN && y == -1) return 0;                                                         \
        return (U)(x % y);                                                                          \
    }                                                                                               \
    LRS_INLINE U lean_##N##_land(U a, U b) { return (U)(a & b); }                                   \
    LRS_INLINE U lean_##N##_lor(U a, U b) { return (U)(a | b); }                                    \
    LRS_INLINE U lean_##N##_xor(U a, U b) { return (U)(a ^ b); }                                    \
    LRS_INLINE U lean_##N##_shift_right(U a, U b) { return (U)((S)a >> (b & (BITS - 1))); }         \
    LRS_INLINE U lean_##N##_shift_left(U a, U b) { return (U)((uint64_t)a << (b & (BITS - 1))); }   \
    LRS_INLINE U lean_##N##_complement(U a) { return (U)~a; }                                       \
    LRS_INLINE U lean_##N##_abs(U a) { return (S)a < 0 ? (U)(0 - (uint64_t)a) : a; }                \
    LRS_INLINE uint8_t lean_##N##_dec_eq(U a, U b) { return a == b; }                               \
    LRS_INLINE uint8_t lean_##N##_dec_lt(U a, U b) { return (S)a < (S)b; }                          \
    LRS_INLINE uint8_t lean_##N##_dec_le(U a, U b) { return (S)a <= (S)b; }                         \
    LRS_INLINE U lean_bool_to_##N(uint8_t a) { return (U)a; }                                       \
    LRS_INLINE double lean_##N##_to_float(U a) { return (double)(S)a; }                             \
    LRS_INLINE float lean_##N##_to_float32(U a) { return (float)(S)a; }
LRS_SINT_OPS(int8, uint8_t, int8_t, 8, INT8_MIN)
LRS_SINT_OPS(int16, uint16_t, int16_t, 16, INT16_MIN)
LRS_SINT_OPS(int32, uint32_t, int32_t, 32, INT32_MIN)
LRS_SINT_OPS(int64, uint64_t, int64_t, 64, INT64_MIN)
LRS_SINT_OPS(isize, size_t, ptrdiff_t, 64, PTRDIFF_MIN)
#undef LRS_SINT_OPS

/* IntN -> Int (always small except for Int64 / ISize). Int64's is named `_sint` because
 * lean_int64_to_int already names the int64_t -> Int conversion. */
LRS_INLINE lean_obj_res lean_int8_to_int(uint8_t a) { return lean_int64_to_int((int8_t)a); }
LRS_INLINE lean_obj_res lean_int16_to_int(uint16_t a) { return lean_int64_to_int((int16_t)a); }
LRS_INLINE lean_obj_res lean_int32_to_int(uint32_t a) { return lean_int64_to_int((int32_t)a); }
LRS_INLINE lean_obj_res lean_int64_to_int_sint(uint64_t a) { return lean_int64_to_int((int64_t)a); }
LRS_INLINE lean_obj_res lean_isize_to_int(size_t a) { return lean_int64_to_int((int64_t)(ptrdiff_t)a); }

/* Width conversions between the signed types sign-extend or truncate. */
#define LRS_SCONV(F, UF, SF, G, UG, SG) \
    LRS_INLINE UG lean_##F##_to_##G(UF a) { return (UG)(SG)(SF)a; }
LRS_SCONV(int8, uint8_t, int8_t, int16, uint16_t, int16_t)
LRS_SCONV(int8, uint8_t, int8_t, int32, uint32_t, int32_t)
LRS_SCONV(int8, uint8_t, int8_t, int64, uint64_t, int64_t)
LRS_SCONV(int8, uint8_t, int8_t, isize, size_t, ptrdiff_t)
LRS_SCONV(int16, uint16_t, int16_t, int8, uint8_t, int8_t)
LRS_SCONV(int16, uint16_t, int16_t, int32, uint32_t, int32_t)
LRS_SCONV(int16, uint16_t, int16_t, int64, uint64_t, int64_t)
LRS_SCONV(int16, uint16_t, int16_t, isize, size_t, ptrdiff_t)
LRS_SCONV(int32, uint32_t, int32_t, int8, uint8_t, int8_t)
LRS_SCONV(int32, uint32_t, int32_t, int16, uint16_t, int16_t)
LRS_SCONV(int32, uint32_t, int32_t, int64, uint64_t, int64_t)
LRS_SCONV(int32, uint32_t, int32_t, isize, size_t, ptrdiff_t)
LRS_SCONV(int64, uint64_t, int64_t, int8, uint8_t, int8_t)
LRS_SCONV(int64, uint64_t, int64_t, int16, uint16_t, int16_t)
LRS_SCONV(int64, uint64_t, int64_t, int32, uint32_t, int32_t)
LRS_SCONV(int64, uint64_t, int64_t, isize, size_t, ptrdiff_t)
LRS_SCONV(isize, size_t, ptrdiff_t, int8, uint8_t, int8_t)
LRS_SCONV(isize, size_t, ptrdiff_t, int16, uint16_t, int16_t)
LRS_SCONV(isize, size_t, ptrdiff_t, int32, uint32_t, int32_t)
LRS_SCONV(isize, size_t, ptrdiff_t, int64, uint64_t, int64_t)
#undef LRS_SCONV

/* ---------------------------------------------------------------------------------------------
 * Float (double) and Float32
 * ------------------------------------------------------------------------------------------- */

#define LRS_FLOAT_OPS(N, T)                                              \
    LRS_INLINE T lean_##N##_add(T a, T b) { return a + b; }              \
    LRS_INLINE T lean_##N##_sub(T a, T b) { return a - b; }              \
    LRS_INLINE T lean_##N##_mul(T a, T b) { return a * b; }              \
    LRS_INLINE T lean_##N##_div(T a, T b) { return a / b; }              \
    LRS_INLINE T lean_##N##_negate(T a) { return -a; }                   \
    LRS_INLINE uint8_t lean_##N##_beq(T a, T b) { return a == b; }       \
    LRS_INLINE uint8_t lean_##N##_decLe(T a, T b) { return a <= b; }     \
    LRS_INLINE uint8_t lean_##N##_decLt(T a, T b) { return a < b; }
LRS_FLOAT_OPS(float, double)
LRS_FLOAT_OPS(float32, float)
#undef LRS_FLOAT_OPS
LRS_INLINE float lean_float_to_float32(double a) { return (float)a; }
LRS_INLINE double lean_float32_to_float(float a) { return (double)a; }

/* Float -> unsigned: saturating, NaN and negatives give 0. LIM is 2^BITS as a double. */
#define LRS_F2U(N, T, G, TG, LIM) \
    LRS_INLINE TG lean_##N##_to_##G(T a) { return a >= 0 ? (a < (LIM) ? (TG)a : (TG)~(TG)0) : 0; }
/* Float -> signed: saturating, NaN gives 0. LIM is 2^(BITS-1) as a double. */
#define LRS_F2S(N, T, G, UG, SG, SMIN, SMAX, LIM)               \
    LRS_INLINE UG lean_##N##_to_##G(T a) {                      \
        SG r;                                                   \
        if (__builtin_isnan(a)) r = 0;                          \
        else if (a >= (LIM)) r = SMAX;                          \
        else if (a <= -(LIM)) r = SMIN;                         \
        else r = (SG)a;                                         \
        return (UG)r;                                           \
    }
#define LRS_FLOAT_CONVS(N, T)                                                         \
    LRS_F2U(N, T, uint8, uint8_t, 256.0)                                              \
    LRS_F2U(N, T, uint16, uint16_t, 65536.0)                                          \
    LRS_F2U(N, T, uint32, uint32_t, 4294967296.0)                                     \
    LRS_F2U(N, T, uint64, uint64_t, 18446744073709551616.0)                           \
    LRS_F2U(N, T, usize, size_t, 18446744073709551616.0)                              \
    LRS_F2S(N, T, int8, uint8_t, int8_t, INT8_MIN, INT8_MAX, 128.0)                   \
    LRS_F2S(N, T, int16, uint16_t, int16_t, INT16_MIN, INT16_MAX, 32768.0)            \
    LRS_F2S(N, T, int32, uint32_t, int32_t, INT32_MIN, INT32_MAX, 2147483648.0)       \
    LRS_F2S(N, T, int64, uint64_t, int64_t, INT64_MIN, INT64_MAX, 9223372036854775808.0) \
    LRS_F2S(N, T, isize, size_t, ptrdiff_t, PTRDIFF_MIN, PTRDIFF_MAX, 9223372036854775808.0)
LRS_FLOAT_CONVS(float, double)
LRS_FLOAT_CONVS(float32, float)
#undef LRS_FLOAT_CONVS
#undef LRS_F2S
#undef LRS_F2U

/* ---------------------------------------------------------------------------------------------
 * Bool
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE uint8_t lean_strict_or(uint8_t b1, uint8_t b2) { return b1 || b2; }
LRS_INLINE uint8_t lean_strict_and(uint8_t b1, uint8_t b2) { return b1 && b2; }

/* ---------------------------------------------------------------------------------------------
 * Boxing of fixed-width values that do not fit a tagged pointer: a tag-0 constructor with no
 * object fields and the value at scalar offset 0. UInt32 fits (64-bit targets).
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE lean_obj_res lean_box_uint32(uint32_t v) { return lean_box(v); }
LRS_INLINE uint32_t lean_unbox_uint32(b_lean_obj_arg o) { return (uint32_t)lean_unbox(o); }
#define LRS_BOXED(N, T, SET, GET)                            \
    LRS_INLINE lean_obj_res lean_box_##N(T v) {              \
        lean_object *r = lean_alloc_ctor(0, 0, sizeof(T));   \
        SET(r, 0, v);                                        \
        return r;                                            \
    }                                                        \
    LRS_INLINE T lean_unbox_##N(b_lean_obj_arg o) { return GET(o, 0); }
LRS_BOXED(uint64, uint64_t, lean_ctor_set_uint64, lean_ctor_get_uint64)
LRS_BOXED(usize, size_t, lean_ctor_set_usize, lean_ctor_get_usize)
LRS_BOXED(float, double, lean_ctor_set_float, lean_ctor_get_float)
LRS_BOXED(float32, float, lean_ctor_set_float32, lean_ctor_get_float32)
#undef LRS_BOXED

/* ---------------------------------------------------------------------------------------------
 * IO results: a constructor with one field, tag 0 = ok (the value), tag 1 = error (an IO.Error).
 * 4.35.0 compiled code takes no world argument; `lean_io_mk_world` remains box(0).
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE lean_obj_res lean_io_mk_world(void) { return lean_box(0); }
LRS_INLINE bool lean_io_result_is_ok(b_lean_obj_arg r) { return lean_ptr_tag(r) == 0; }
LRS_INLINE bool lean_io_result_is_error(b_lean_obj_arg r) { return lean_ptr_tag(r) == 1; }
LRS_INLINE b_lean_obj_res lean_io_result_get_value(b_lean_obj_arg r) { return lean_ctor_get(r, 0); }
LRS_INLINE b_lean_obj_res lean_io_result_get_error(b_lean_obj_arg r) { return lean_ctor_get(r, 0); }
LRS_INLINE lean_obj_res lean_io_result_take_value(lean_obj_arg r) {
    lean_object *v = lean_ctor_get(r, 0);
    lean_inc(v);
    lean_dec(r);
    return v;
}
LRS_INLINE lean_obj_res lrs_io_result(unsigned tag, lean_obj_arg payload) {
    lean_object *r = lean_alloc_ctor(tag, 1, 0);
    lean_ctor_set(r, 0, payload);
    return r;
}
LRS_INLINE lean_obj_res lean_io_result_mk_ok(lean_obj_arg a) { return lrs_io_result(0, a); }
LRS_INLINE lean_obj_res lean_io_result_mk_error(lean_obj_arg e) { return lrs_io_result(1, e); }
LRS_INLINE lean_obj_res lean_void_mk(lean_obj_arg a) {
    lean_dec(a);
    return lean_box(0);
}

/* ---------------------------------------------------------------------------------------------
 * Closed-term cells of emitted code: read once the cell says so, else take the runtime's path.
 * ------------------------------------------------------------------------------------------- */

#define LRS_ONCE(N, T)                                                                   \
    LRS_INLINE T lean_##N##_once(T *loc, lean_once_cell_t *tok, T (*init)(void)) {       \
        if (LRS_LIKELY(atomic_load_explicit(&tok->state, memory_order_acquire) == 1))    \
            return *loc;                                                                 \
        return lean_##N##_once_cold(loc, tok, init);                                     \
    }
LRS_ONCE(obj, lean_object *)
LRS_ONCE(uint8, uint8_t)
LRS_ONCE(uint16, uint16_t)
LRS_ONCE(uint32, uint32_t)
LRS_ONCE(uint64, uint64_t)
LRS_ONCE(usize, size_t)
LRS_ONCE(float32, float)
LRS_ONCE(float, double)
#undef LRS_ONCE

/* ---------------------------------------------------------------------------------------------
 * Odds and ends that Init's @[extern] declarations name
 * ------------------------------------------------------------------------------------------- */

LRS_INLINE size_t lean_ptr_addr(b_lean_obj_arg a) { return (size_t)(uintptr_t)a; }
LRS_INLINE size_t lean_hashmap_mk_idx(lean_obj_arg sz, uint64_t hash) { return (size_t)(hash & (lean_unbox(sz) - 1)); }
LRS_INLINE size_t lean_hashset_mk_idx(lean_obj_arg sz, uint64_t hash) { return (size_t)(hash & (lean_unbox(sz) - 1)); }
LRS_INLINE lean_obj_res lean_get_max_ctor_fields(lean_obj_arg unit) {
    (void)unit;
    return lean_box(LEAN_MAX_CTOR_FIELDS);
}
LRS_INLINE lean_obj_res lean_get_max_ctor_scalars_size(lean_obj_arg unit) {
    (void)unit;
    return lean_box(LEAN_MAX_CTOR_SCALARS_SIZE);
}
LRS_INLINE lean_obj_res lean_get_max_ctor_tag(lean_obj_arg unit) {
    (void)unit;
    return lean_box(LeanMaxCtorTag);
}
LRS_INLINE lean_obj_res lean_get_usize_size(lean_obj_arg unit) {
    (void)unit;
    return lean_box(sizeof(size_t));
}
LRS_INLINE lean_obj_res lean_version_get_major(lean_obj_arg unit) {
    (void)unit;
    return lean_box(LEAN_VERSION_MAJOR);
}
LRS_INLINE lean_obj_res lean_version_get_minor(lean_obj_arg unit) {
    (void)unit;
    return lean_box(LEAN_VERSION_MINOR);
}
LRS_INLINE lean_obj_res lean_version_get_patch(lean_obj_arg unit) {
    (void)unit;
    return lean_box(LEAN_VERSION_PATCH);
}
LRS_INLINE uint8_t lean_version_get_is_release(lean_obj_arg unit) {
    (void)unit;
    return 1;
}
LRS_INLINE lean_obj_res lean_version_get_special_desc(lean_obj_arg unit) {
    (void)unit;
    return lean_mk_string("");
}
LRS_INLINE uint8_t lean_internal_is_stage0(lean_obj_arg unit) {
    (void)unit;
    return 0;
}
LRS_INLINE lean_obj_res lean_runtime_hold(b_lean_obj_arg a) {
    (void)a;
    return lean_box(0);
}

#endif /* LEAN_RS_LEAN_H */
