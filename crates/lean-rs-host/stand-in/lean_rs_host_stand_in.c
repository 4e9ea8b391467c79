/*
 * STAND-IN for the lean-rs-host shim library (LeanRsHostShims), for machines without a full
 * Lean toolchain. The real shims `import Lean` and only a full toolchain compiles them; this
 * file exports the same `lean_rs_host_*` symbols with the prototypes of
 * ../shims/lean-rs-host-shims/abi/lean-rs-host-shims.abi.json and builds the same wire
 * records (constructor tags, field order: see LeanRsHostShims/Elaboration.lean and Meta.lean)
 * by calling Lean 4.35.0's own compiled elaborator, kernel and environment functions in
 * libleanshared. It is compiled against crates/lean-rs-sys/include/lean/lean.h.
 *
 * Calling convention for libleanshared functions: where a `___boxed` variant exists it is
 * called (every argument owned and boxed), otherwise the plain symbol, whose object arguments
 * are all owned. Signatures were read from the 4.35.0 binary (objdump); none takes an IO world.
 *
 * Where the stand-in differs from the real shims (documented in docs/architecture/host.md):
 * - elaborate: the term is elaborated as the body of a temporary `def` by Lean.Elab.process;
 *   an expected type is passed as its `Expr.dbgToString` text;
 * - kernel_check: the declaration name is read from the source's first declaration keyword;
 * - declaration_source_range: the range is found by scanning the module's source file;
 * - declarations of inductives, constructors and recursors come back as axiom declarations;
 * - meta services run the kernel (whnf, defeq, type inference) instead of MetaM; pp_expr and
 *   process_with_info_tree are deliberately absent (optional symbols -> Unsupported);
 *   heartbeat_burn elaborates a large term under `set_option maxHeartbeats`.
 *
 * The wire records are built by the `wire_<Record>` functions below: one parameter per field,
 * named and ordered as the Lean structure's fields (tests/prelude_world_stand_in_abi.rs holds
 * them to the real shim sources).
 */
#include <lean/lean.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- libleanshared 4.35.0 ------------------------------------------------------------- */
extern lean_object *l_Lean_Options_empty;
extern lean_object *l_Lean_LocalContext_empty;
lean_object *l_Lean_initSearchPath(lean_object *sysroot, lean_object *sp);
lean_object *lean_enable_initializer_execution(void);
lean_object *l_Lean_importModules(lean_object *imports, lean_object *opts, uint32_t trust,
                                  lean_object *plugins, uint8_t leak, uint8_t load_exts,
                                  uint8_t level, lean_object *arts);
lean_object *l_String_toName(lean_object *s);
lean_object *l_Lean_Name_toString(lean_object *n, uint8_t escape);
lean_object *lean_expr_dbg_to_string(lean_object *e); /* borrowed */
lean_object *l_Lean_Environment_find_x3f___boxed(lean_object *env, lean_object *n);
lean_object *l_Lean_Environment_constants(lean_object *env);
lean_object *l_Lean_SMap_toList___redArg(lean_object *m);
lean_object *l_Lean_isPrivateName___boxed(lean_object *n);
lean_object *l_Lean_Name_isInternal___boxed(lean_object *n);
lean_object *l_Lean_isAuxRecursor___boxed(lean_object *env, lean_object *n);
lean_object *l_Lean_isNoConfusion___boxed(lean_object *env, lean_object *n);
lean_object *l_Lean_Environment_getModuleIdxFor_x3f___boxed(lean_object *env, lean_object *n);
lean_object *l_Lean_Environment_allImportedModuleNames___boxed(lean_object *env);
lean_object *l_Lean_Elab_process___boxed(lean_object *src, lean_object *env, lean_object *opts,
                                         lean_object *file);
lean_object *l_Lean_MessageLog_toArray___boxed(lean_object *log);
lean_object *l_Lean_MessageData_toString___boxed(lean_object *data); /* BaseIO: bare result */
lean_object *l_Lean_Expr_hasSorry___boxed(lean_object *e);
lean_object *l_Lean_Kernel_Exception_toMessageData(lean_object *ex, lean_object *opts);
lean_object *lean_elab_environment_to_kernel_env(lean_object *env);
lean_object *lean_add_decl(lean_object *kenv, size_t max_heartbeat, size_t max_rec_depth,
                           lean_object *decl, lean_object *cancel); /* decl, cancel borrowed */
lean_object *lean_kernel_whnf(lean_object *env, lean_object *lctx, lean_object *e);
lean_object *lean_kernel_is_def_eq(lean_object *env, lean_object *lctx, lean_object *a,
                                   lean_object *b);
lean_object *lean_kernel_check(lean_object *env, lean_object *lctx, lean_object *e);

#define BULK_LIMIT 1000000u
#define PROOF_SUMMARY_BYTE_LIMIT 4096u

/* ---- small helpers --------------------------------------------------------------------- */
static lean_object *str(const char *s) { return lean_mk_string(s); }
static lean_object *nat(size_t n) { return lean_usize_to_nat(n); }
static lean_object *some(lean_object *v) {
    lean_object *o = lean_alloc_ctor(1, 1, 0);
    lean_ctor_set(o, 0, v);
    return o;
}
static lean_object *io_ok(lean_object *v) { return lean_io_result_mk_ok(v); }
static lean_object *except_ok(lean_object *v) {
    lean_object *o = lean_alloc_ctor(1, 1, 0);
    lean_ctor_set(o, 0, v);
    return o;
}
static lean_object *except_error_u8(uint8_t status) {
    lean_object *o = lean_alloc_ctor(0, 1, 0);
    lean_ctor_set(o, 0, lean_box(status));
    return o;
}
static size_t nat_small(lean_object *n) { return lean_is_scalar(n) ? lean_unbox(n) : (size_t)-1; }
static uint8_t unbox_bool(lean_object *b) {
    uint8_t v = (uint8_t)lean_unbox(b);
    return v;
}

/* Cut `s` (owned) to at most `limit` UTF-8 bytes on a character boundary; sets *cut. */
static lean_object *truncate_utf8(lean_object *s, size_t limit, int *cut) {
    size_t size = lean_string_size(s) - 1;
    if (size <= limit) return s;
    const unsigned char *p = (const unsigned char *)lean_string_cstr(s);
    size_t end = limit;
    while (end > 0 && (p[end] & 0xC0) == 0x80) end--;
    char *buf = (char *)malloc(end + 1);
    memcpy(buf, p, end);
    buf[end] = 0;
    lean_object *out = lean_mk_string(buf);
    free(buf);
    lean_dec(s);
    if (cut) *cut = 1;
    return out;
}

/* The progress tick helper, as crates/lean-rs/csrc/interop_callback.c implements
 * `lean_rs_interop_tick_callback_call` (same trampoline contract). */
typedef uint8_t (*trampoline_fn)(size_t, uint8_t, uint64_t, uint64_t, void *);
static uint8_t tick(size_t handle, size_t trampoline, uint64_t current, uint64_t total) {
    if (trampoline == 0) return 3;
    return ((trampoline_fn)trampoline)(handle, 1, current, total, NULL);
}

/* ---- wire records (field order = the Lean structures') ---------------------------------- */
static lean_object *wire_Diagnostic(lean_object *severity, lean_object *message,
                                    lean_object *fileLabel, lean_object *startLine,
                                    lean_object *startColumn, lean_object *endLine,
                                    lean_object *endColumn) {
    lean_object *o = lean_alloc_ctor(0, 7, 0);
    lean_ctor_set(o, 0, severity);
    lean_ctor_set(o, 1, message);
    lean_ctor_set(o, 2, fileLabel);
    lean_ctor_set(o, 3, startLine);
    lean_ctor_set(o, 4, startColumn);
    lean_ctor_set(o, 5, endLine);
    lean_ctor_set(o, 6, endColumn);
    return o;
}
static lean_object *wire_ElabFailure(lean_object *diagnostics, lean_object *truncated) {
    lean_object *o = lean_alloc_ctor(0, 2, 0);
    lean_ctor_set(o, 0, diagnostics);
    lean_ctor_set(o, 1, truncated);
    return o;
}
static lean_object *wire_Evidence(lean_object *baseEnv, lean_object *env, lean_object *declName) {
    lean_object *o = lean_alloc_ctor(0, 3, 0);
    lean_ctor_set(o, 0, baseEnv);
    lean_ctor_set(o, 1, env);
    lean_ctor_set(o, 2, declName);
    return o;
}
static lean_object *wire_ProofSummary(lean_object *declName, lean_object *kind,
                                      lean_object *typeSignature) {
    lean_object *o = lean_alloc_ctor(0, 3, 0);
    lean_ctor_set(o, 0, declName);
    lean_ctor_set(o, 1, kind);
    lean_ctor_set(o, 2, typeSignature);
    return o;
}
static lean_object *wire_SourceRange(lean_object *file, lean_object *startLine,
                                     lean_object *startColumn, lean_object *endLine,
                                     lean_object *endColumn) {
    lean_object *o = lean_alloc_ctor(0, 5, 0);
    lean_ctor_set(o, 0, file);
    lean_ctor_set(o, 1, startLine);
    lean_ctor_set(o, 2, startColumn);
    lean_ctor_set(o, 3, endLine);
    lean_ctor_set(o, 4, endColumn);
    return o;
}
/* Inductives: ElabResult ok 0 / failure 1; KernelOutcome checked 0 / elabFailed 1 /
 * kernelRejected 2; EvidenceStatus checked 0 / usesSorry 1 / rejected 2 / missing 3;
 * MetaResponse expr 0 / bool 1 / text 2 / failed 3 / heartbeatsExhausted 4. */
static lean_object *ctor1(unsigned tag, lean_object *field) {
    lean_object *o = lean_alloc_ctor(tag, 1, 0);
    lean_ctor_set(o, 0, field);
    return o;
}

/* A one-diagnostic failure without a position. */
static lean_object *failure_of(lean_object *message, lean_object *label, size_t limit) {
    int cut = 0;
    message = truncate_utf8(message, limit, &cut);
    lean_object *d = wire_Diagnostic(nat(2), message, label, nat(0), nat(0), nat(0), nat(0));
    lean_object *arr = lean_mk_empty_array_with_capacity(lean_box(1));
    arr = lean_array_push(arr, d);
    return wire_ElabFailure(arr, nat(cut ? 1 : 0));
}

/* Lean messages (Array Message, owned) -> bounded ElabFailure. `Message` in 4.35.0:
 * objects fileName, pos, endPos?, caption, data; scalars keepFullRange, severity. */
static lean_object *bound_diagnostics(lean_object *msgs, lean_object *label, size_t limit,
                                      size_t line_shift, size_t col_shift_line1,
                                      size_t *errors, int *kernel) {
    size_t n = lean_array_size(msgs);
    lean_object *out = lean_mk_empty_array_with_capacity(lean_box(n));
    size_t used = 0;
    int truncated = 0;
    if (errors) *errors = 0;
    for (size_t i = 0; i < n; i++) {
        lean_object *m = lean_array_get_core(msgs, i);
        uint8_t severity = *(lean_ctor_scalar_cptr(m) + 1);
        lean_object *data = lean_ctor_get(m, 4);
        lean_inc(data);
        /* BaseIO String: compiled as a function returning the bare string. */
        lean_object *text = l_Lean_MessageData_toString___boxed(data);
        if (severity == 2) {
            if (errors) (*errors)++;
            if (kernel && strncmp(lean_string_cstr(text), "(kernel)", 8) == 0) *kernel = 1;
        }
        if (used >= limit) {
            truncated = 1;
            lean_dec(text);
            continue;
        }
        text = truncate_utf8(text, limit - used, &truncated);
        used += lean_string_size(text) - 1;
        lean_object *pos = lean_ctor_get(m, 1);
        lean_object *endo = lean_ctor_get(m, 2);
        lean_object *endp = lean_is_scalar(endo) ? pos : lean_ctor_get(endo, 0);
        size_t sl = nat_small(lean_ctor_get(pos, 0)), sc = nat_small(lean_ctor_get(pos, 1));
        size_t el = nat_small(lean_ctor_get(endp, 0)), ec = nat_small(lean_ctor_get(endp, 1));
        if (sl == line_shift + 1 && sc >= col_shift_line1) sc -= col_shift_line1;
        if (el == line_shift + 1 && ec >= col_shift_line1) ec -= col_shift_line1;
        sl = sl > line_shift ? sl - line_shift : 0;
        el = el > line_shift ? el - line_shift : 0;
        lean_inc(label);
        out = lean_array_push(out, wire_Diagnostic(nat(severity), text, label, nat(sl), nat(sc + 1),
                                                   nat(el), nat(ec + 1)));
    }
    lean_dec(msgs);
    return wire_ElabFailure(out, nat(truncated ? 1 : 0));
}

/* Runs Lean.Elab.process; returns 1 and sets *env_out / *msgs_out (Array Message). */
static int process(lean_object *src, lean_object *env, lean_object *label, lean_object **env_out,
                   lean_object **msgs_out, lean_object **error_out) {
    lean_inc(l_Lean_Options_empty);
    lean_object *r = l_Lean_Elab_process___boxed(src, env, l_Lean_Options_empty, some(label));
    if (!lean_io_result_is_ok(r)) {
        *error_out = r;
        return 0;
    }
    lean_object *pair = lean_io_result_get_value(r);
    lean_object *e = lean_ctor_get(pair, 0), *log = lean_ctor_get(pair, 1);
    lean_inc(e);
    lean_inc(log);
    lean_dec(r);
    *env_out = e;
    *msgs_out = l_Lean_MessageLog_toArray___boxed(log);
    return 1;
}

static lean_object *io_error_text(lean_object *r) {
    lean_dec(r);
    return str("Lean raised an IO error");
}

static lean_object *find(lean_object *env, lean_object *name) {
    lean_inc(env);
    lean_inc(name);
    return l_Lean_Environment_find_x3f___boxed(env, name);
}

/* ---- initializer ----------------------------------------------------------------------- */
static int initialized = 0;
LEAN_EXPORT lean_object *initialize_lean__rs__host__shims_LeanRsHostShims(uint8_t builtin) {
    (void)builtin;
    initialized = 1;
    return io_ok(lean_box(0));
}

/* ---- session import and names ---------------------------------------------------------- */
static lean_object *session_import(lean_object *search_paths, lean_object *import_names) {
    /* List FilePath (a FilePath is represented by its string). */
    size_t n = lean_array_size(search_paths);
    lean_object *list = lean_box(0);
    for (size_t i = n; i > 0; i--) {
        lean_object *p = lean_array_get_core(search_paths, i - 1);
        lean_inc(p);
        lean_object *cons = lean_alloc_ctor(1, 2, 0);
        lean_ctor_set(cons, 0, p);
        lean_ctor_set(cons, 1, list);
        list = cons;
    }
    lean_dec(search_paths);
    lean_object *r = l_Lean_initSearchPath(str(""), list);
    if (!lean_io_result_is_ok(r)) {
        lean_dec(import_names);
        return r;
    }
    lean_dec(r);
    lean_dec(lean_enable_initializer_execution());
    size_t k = lean_array_size(import_names);
    lean_object *imports = lean_mk_empty_array_with_capacity(lean_box(k));
    for (size_t i = 0; i < k; i++) {
        lean_object *s = lean_array_get_core(import_names, i);
        lean_inc(s);
        lean_object *imp = lean_alloc_ctor(0, 1, 3);
        lean_ctor_set(imp, 0, l_String_toName(s));
        uint8_t *sc = lean_ctor_scalar_cptr(imp);
        sc[0] = 0; /* importAll */
        sc[1] = 1; /* isExported */
        sc[2] = 0; /* isMeta */
        imports = lean_array_push(imports, imp);
    }
    lean_dec(import_names);
    lean_inc(l_Lean_Options_empty);
    return l_Lean_importModules(imports, l_Lean_Options_empty, 0, lean_mk_empty_array(), 0, 1, 2,
                                lean_box(1));
}

LEAN_EXPORT lean_object *lean_rs_host_session_import(lean_object *search_paths,
                                                     lean_object *import_names) {
    return session_import(search_paths, import_names);
}

LEAN_EXPORT lean_object *lean_rs_host_session_import_progress(lean_object *search_paths,
                                                              lean_object *import_names,
                                                              size_t handle, size_t trampoline) {
    lean_object *r = session_import(search_paths, import_names);
    if (!lean_io_result_is_ok(r)) return r;
    lean_object *env = lean_io_result_get_value(r);
    lean_inc(env);
    lean_dec(r);
    uint8_t status = tick(handle, trampoline, 1, 1);
    if (status != 0) {
        lean_dec(env);
        return io_ok(except_error_u8(status));
    }
    return io_ok(except_ok(env));
}

LEAN_EXPORT lean_object *lean_rs_host_name_from_string(lean_object *s) { return l_String_toName(s); }

LEAN_EXPORT lean_object *lean_rs_host_name_to_string(lean_object *n) {
    return l_Lean_Name_toString(n, 1);
}

/* ---- declarations ---------------------------------------------------------------------- */
/* ConstantInfo tags: axiom 0, defn 1, thm 2, opaque 3, quot 4, induct 5, ctor 6, rec 7.
 * Declaration tags: axiomDecl 0, defnDecl 1, thmDecl 2, opaqueDecl 3, quotDecl 4. */
static lean_object *declaration_of(lean_object *info /* borrowed */) {
    unsigned tag = lean_obj_tag(info);
    lean_object *val = lean_ctor_get(info, 0);
    if (tag <= 3) {
        lean_inc(val);
        return ctor1(tag, val);
    }
    if (tag == 4) return lean_box(4);
    /* AxiomVal { toConstantVal; isUnsafe : Bool } from the value's ConstantVal. */
    lean_object *cval = lean_ctor_get(val, 0);
    lean_inc(cval);
    lean_object *ax = lean_alloc_ctor(0, 1, 1);
    lean_ctor_set(ax, 0, cval);
    *lean_ctor_scalar_cptr(ax) = 0;
    return ctor1(0, ax);
}

static lean_object *query_declaration(lean_object *env, lean_object *name) {
    lean_object *r = find(env, name);
    if (lean_is_scalar(r)) return r;
    lean_object *d = declaration_of(lean_ctor_get(r, 0));
    lean_dec(r);
    return some(d);
}

LEAN_EXPORT lean_object *lean_rs_host_env_query_declaration(lean_object *env, lean_object *name) {
    lean_object *out = query_declaration(env, name);
    lean_dec(env);
    lean_dec(name);
    return io_ok(out);
}

typedef lean_object *(*item_fn)(lean_object *env, lean_object *item /* borrowed */);

/* Maps `f` over `items` (owned); with a trampoline, ticks after each item and stops on a
 * non-zero status (returned as Except.error). */
static lean_object *map_items(lean_object *env, lean_object *items, item_fn f, int progress,
                              size_t handle, size_t trampoline) {
    size_t n = lean_array_size(items);
    if (n > BULK_LIMIT) n = BULK_LIMIT;
    lean_object *out = lean_mk_empty_array_with_capacity(lean_box(n));
    for (size_t i = 0; i < n; i++) {
        out = lean_array_push(out, f(env, lean_array_get_core(items, i)));
        if (progress) {
            uint8_t status = tick(handle, trampoline, i + 1, n);
            if (status != 0) {
                lean_dec(out);
                lean_dec(items);
                lean_dec(env);
                return io_ok(except_error_u8(status));
            }
        }
    }
    lean_dec(items);
    lean_dec(env);
    return io_ok(progress ? except_ok(out) : out);
}

static lean_object *item_query(lean_object *env, lean_object *name) {
    return query_declaration(env, name);
}

LEAN_EXPORT lean_object *lean_rs_host_env_query_declarations_bulk(lean_object *env,
                                                                  lean_object *names) {
    return map_items(env, names, item_query, 0, 0, 0);
}

LEAN_EXPORT lean_object *lean_rs_host_env_query_declarations_bulk_progress(
    lean_object *env, lean_object *names, size_t handle, size_t trampoline) {
    return map_items(env, names, item_query, 1, handle, trampoline);
}

/* Every constant name (imported and local), capped at BULK_LIMIT. */
static lean_object *all_names(lean_object *env /* borrowed */) {
    lean_inc(env);
    lean_object *consts = l_Lean_Environment_constants(env);
    lean_object *list = l_Lean_SMap_toList___redArg(consts);
    lean_object *out = lean_mk_empty_array();
    for (lean_object *l = list; !lean_is_scalar(l); l = lean_ctor_get(l, 1)) {
        if (lean_array_size(out) >= BULK_LIMIT) break;
        lean_object *n = lean_ctor_get(lean_ctor_get(l, 0), 0);
        lean_inc(n);
        out = lean_array_push(out, n);
    }
    lean_dec(list);
    return out;
}

LEAN_EXPORT lean_object *lean_rs_host_env_list_declarations(lean_object *env) {
    lean_object *out = all_names(env);
    lean_dec(env);
    return io_ok(out);
}

static int has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static int is_generated(lean_object *env, lean_object *n) {
    const char *last = "";
    if (!lean_is_scalar(n) && lean_obj_tag(n) == 1) last = lean_string_cstr(lean_ctor_get(n, 1));
    lean_inc(env);
    lean_inc(n);
    if (unbox_bool(l_Lean_isAuxRecursor___boxed(env, n))) return 1;
    lean_inc(env);
    lean_inc(n);
    if (unbox_bool(l_Lean_isNoConfusion___boxed(env, n))) return 1;
    lean_object *info = find(env, n);
    int rec = !lean_is_scalar(info) && lean_obj_tag(lean_ctor_get(info, 0)) == 7;
    lean_dec(info);
    return rec || has_prefix(last, "match_") || has_prefix(last, "proof_") ||
           has_prefix(last, "eq_") || strcmp(last, "sizeOf_spec") == 0 || last[0] == '_';
}

static int is_private(lean_object *n) {
    lean_inc(n);
    return unbox_bool(l_Lean_isPrivateName___boxed(n));
}

static int is_internal(lean_object *n) {
    lean_inc(n);
    return !is_private(n) && unbox_bool(l_Lean_Name_isInternal___boxed(n));
}

static lean_object *filtered(lean_object *env, lean_object *filter, int progress, size_t handle,
                             size_t trampoline) {
    int keep_private = nat_small(lean_ctor_get(filter, 0)) != 0;
    int keep_generated = nat_small(lean_ctor_get(filter, 1)) != 0;
    int keep_internal = nat_small(lean_ctor_get(filter, 2)) != 0;
    lean_dec(filter);
    lean_object *names = all_names(env);
    size_t n = lean_array_size(names);
    lean_object *out = lean_mk_empty_array();
    for (size_t i = 0; i < n; i++) {
        lean_object *nm = lean_array_get_core(names, i);
        if ((keep_private || !is_private(nm)) && (keep_internal || !is_internal(nm)) &&
            (keep_generated || !is_generated(env, nm))) {
            lean_inc(nm);
            out = lean_array_push(out, nm);
        }
    }
    lean_dec(names);
    lean_dec(env);
    if (!progress) return io_ok(out);
    uint8_t status = tick(handle, trampoline, 1, 1);
    if (status != 0) {
        lean_dec(out);
        return io_ok(except_error_u8(status));
    }
    return io_ok(except_ok(out));
}

LEAN_EXPORT lean_object *lean_rs_host_env_list_declarations_filtered(lean_object *env,
                                                                     lean_object *filter) {
    return filtered(env, filter, 0, 0, 0);
}

LEAN_EXPORT lean_object *lean_rs_host_env_list_declarations_filtered_progress(
    lean_object *env, lean_object *filter, size_t handle, size_t trampoline) {
    return filtered(env, filter, 1, handle, trampoline);
}

/* The declaration's range, found by scanning its module's source for `<kw> <short name>`. */
LEAN_EXPORT lean_object *lean_rs_host_env_declaration_source_range(lean_object *env,
                                                                   lean_object *name,
                                                                   lean_object *roots) {
    lean_object *result = lean_box(0);
    lean_object *info = find(env, name);
    if (lean_is_scalar(info)) goto done;
    lean_dec(info);
    lean_inc(env);
    lean_inc(name);
    lean_object *idx = l_Lean_Environment_getModuleIdxFor_x3f___boxed(env, name);
    if (lean_is_scalar(idx)) goto done;
    size_t i = nat_small(lean_ctor_get(idx, 0));
    lean_dec(idx);
    lean_inc(env);
    lean_object *mods = l_Lean_Environment_allImportedModuleNames___boxed(env);
    if (i >= lean_array_size(mods)) {
        lean_dec(mods);
        goto done;
    }
    lean_object *mod = lean_array_get_core(mods, i);
    lean_inc(mod);
    lean_dec(mods);
    lean_object *mod_text = l_Lean_Name_toString(mod, 0);
    const char *short_name = "";
    if (!lean_is_scalar(name) && lean_obj_tag(name) == 1) short_name = lean_string_cstr(lean_ctor_get(name, 1));
    char rel[1024];
    snprintf(rel, sizeof rel, "%s", lean_string_cstr(mod_text));
    for (char *c = rel; *c; c++)
        if (*c == '.') *c = '/';
    lean_object *file = NULL;
    FILE *fh = NULL;
    for (size_t r = 0; r < lean_array_size(roots) && !fh; r++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s.lean", lean_string_cstr(lean_array_get_core(roots, r)), rel);
        fh = fopen(path, "r");
        if (fh) file = str(path);
    }
    if (!fh) {
        lean_dec(mod_text);
        goto done;
    }
    static const char *const kws[] = {"def ", "theorem ", "axiom ", "inductive ", "structure ",
                                      "abbrev ", "opaque ", "instance ", "class ", NULL};
    char line[4096];
    size_t lineno = 0, start = 0, end_line = 0, end_col = 0;
    while (fgets(line, sizeof line, fh)) {
        lineno++;
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (start) {
            if (len == 0 || (line[0] != ' ' && line[0] != '|')) break;
            end_line = lineno;
            end_col = len + 1;
            continue;
        }
        const char *p = line;
        while (*p == ' ') p++;
        if (has_prefix(p, "private ")) p += 8;
        if (has_prefix(p, "partial ")) p += 8;
        if (has_prefix(p, "noncomputable ")) p += 14;
        for (int k = 0; kws[k]; k++) {
            if (has_prefix(p, kws[k])) {
                const char *id = p + strlen(kws[k]);
                size_t sl = strlen(short_name);
                const char *tail = id;
                size_t idlen = strcspn(id, " :(\t{[");
                for (size_t c = 0; c < idlen; c++)
                    if (id[c] == '.') tail = id + c + 1;
                idlen -= (size_t)(tail - id);
                if (sl && idlen == sl && strncmp(tail, short_name, sl) == 0) {
                    start = lineno;
                    end_line = lineno;
                    end_col = len + 1;
                }
                break;
            }
        }
        if (start) continue;
    }
    fclose(fh);
    lean_dec(mod_text);
    if (start) {
        result = some(wire_SourceRange(file, nat(start), nat(1), nat(end_line), nat(end_col)));
    } else {
        lean_dec(file);
    }
done:
    lean_dec(env);
    lean_dec(name);
    lean_dec(roots);
    return io_ok(result);
}

static lean_object *type_of(lean_object *env, lean_object *name) {
    lean_object *r = find(env, name);
    if (lean_is_scalar(r)) return r;
    lean_object *cval = lean_ctor_get(lean_ctor_get(lean_ctor_get(r, 0), 0), 0);
    lean_object *type = lean_ctor_get(cval, 2);
    lean_inc(type);
    lean_dec(r);
    return some(type);
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_type(lean_object *env, lean_object *name) {
    lean_object *out = type_of(env, name);
    lean_dec(env);
    lean_dec(name);
    return io_ok(out);
}

static lean_object *item_type(lean_object *env, lean_object *s) {
    lean_inc(s);
    lean_object *n = l_String_toName(s);
    lean_object *out = type_of(env, n);
    lean_dec(n);
    return out;
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_type_bulk(lean_object *env,
                                                                lean_object *names) {
    return map_items(env, names, item_type, 0, 0, 0);
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_type_bulk_progress(lean_object *env,
                                                                         lean_object *names,
                                                                         size_t handle,
                                                                         size_t trampoline) {
    return map_items(env, names, item_type, 1, handle, trampoline);
}

static const char *kind_word(lean_object *env, lean_object *name) {
    static const char *const words[] = {"axiom",    "definition", "theorem",     "opaque",
                                        "quotient", "inductive",  "constructor", "recursor"};
    lean_object *r = find(env, name);
    if (lean_is_scalar(r)) return "missing";
    unsigned tag = lean_obj_tag(lean_ctor_get(r, 0));
    lean_dec(r);
    return tag < 8 ? words[tag] : "missing";
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_kind(lean_object *env, lean_object *name) {
    lean_object *out = str(kind_word(env, name));
    lean_dec(env);
    lean_dec(name);
    return io_ok(out);
}

static lean_object *item_kind(lean_object *env, lean_object *s) {
    lean_inc(s);
    lean_object *n = l_String_toName(s);
    lean_object *out = str(kind_word(env, n));
    lean_dec(n);
    return out;
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_kind_bulk(lean_object *env,
                                                                lean_object *names) {
    return map_items(env, names, item_kind, 0, 0, 0);
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_kind_bulk_progress(lean_object *env,
                                                                         lean_object *names,
                                                                         size_t handle,
                                                                         size_t trampoline) {
    return map_items(env, names, item_kind, 1, handle, trampoline);
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_name(lean_object *env, lean_object *name) {
    lean_dec(env);
    return io_ok(l_Lean_Name_toString(name, 1));
}

static lean_object *item_name(lean_object *env, lean_object *s) {
    (void)env;
    lean_inc(s);
    return l_Lean_Name_toString(l_String_toName(s), 1);
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_name_bulk(lean_object *env,
                                                                lean_object *names) {
    return map_items(env, names, item_name, 0, 0, 0);
}

LEAN_EXPORT lean_object *lean_rs_host_env_declaration_name_bulk_progress(lean_object *env,
                                                                         lean_object *names,
                                                                         size_t handle,
                                                                         size_t trampoline) {
    return map_items(env, names, item_name, 1, handle, trampoline);
}

LEAN_EXPORT lean_object *lean_rs_host_env_expr_to_string_raw(lean_object *e) {
    lean_object *s = lean_expr_dbg_to_string(e);
    lean_dec(e);
    return s;
}

/* ---- elaboration ----------------------------------------------------------------------- */
static unsigned long elab_counter = 0;

/* ElabOpts: heartbeats, diagnosticByteLimit, namespaceCtx, fileLabel. */
static lean_object *elaborate(lean_object *env, lean_object *src, lean_object *expected,
                              lean_object *opts /* all borrowed */) {
    size_t heartbeats = nat_small(lean_ctor_get(opts, 0));
    size_t limit = nat_small(lean_ctor_get(opts, 1));
    const char *ns = lean_string_cstr(lean_ctor_get(opts, 2));
    lean_object *label = lean_ctor_get(opts, 3);
    char head[512];
    char type_text[8192] = "";
    if (!lean_is_scalar(expected)) {
        lean_object *t = lean_expr_dbg_to_string(lean_ctor_get(expected, 0));
        snprintf(type_text, sizeof type_text, " : %s", lean_string_cstr(t));
        lean_dec(t);
    }
    unsigned long id = ++elab_counter;
    int n = snprintf(head, sizeof head, "set_option maxHeartbeats %zu in\ndef _lean_rs_elab_%lu",
                     heartbeats, id);
    (void)n;
    const char *nsopen = ns[0] ? "namespace " : "";
    size_t total = strlen(head) + strlen(type_text) + lean_string_size(src) + 2 * strlen(ns) + 64;
    char *text = (char *)malloc(total);
    /* line 1: namespace (or blank), line 2: set_option, line 3: def head, line 4: the source */
    snprintf(text, total, "%s%s\n%s%s :=\n%s\n%s%s\n", nsopen, ns, head, type_text,
             lean_string_cstr(src), ns[0] ? "end " : "", ns);
    lean_object *input = str(text);
    free(text);
    lean_inc(env);
    lean_inc(label);
    lean_object *env2, *msgs, *err;
    if (!process(input, env, label, &env2, &msgs, &err)) {
        lean_inc(label);
        return ctor1(1, failure_of(io_error_text(err), label, limit));
    }
    size_t errors = 0;
    lean_inc(label);
    lean_object *failure = bound_diagnostics(msgs, label, limit, 3, 0, &errors, NULL);
    if (errors > 0) {
        lean_dec(env2);
        return ctor1(1, failure);
    }
    lean_dec(failure);
    char name_text[600];
    snprintf(name_text, sizeof name_text, "%s%s_lean_rs_elab_%lu", ns, ns[0] ? "." : "", id);
    lean_object *name = l_String_toName(str(name_text));
    lean_object *info = find(env2, name);
    lean_dec(name);
    lean_dec(env2);
    if (lean_is_scalar(info) || lean_obj_tag(lean_ctor_get(info, 0)) != 1) {
        lean_dec(info);
        lean_inc(label);
        return ctor1(1, failure_of(str("the term produced no definition"), label, limit));
    }
    lean_object *value = lean_ctor_get(lean_ctor_get(lean_ctor_get(info, 0), 0), 1);
    lean_inc(value);
    lean_dec(info);
    return ctor1(0, value);
}

LEAN_EXPORT lean_object *lean_rs_host_elaborate(lean_object *env, lean_object *src,
                                                lean_object *expected, lean_object *opts) {
    lean_object *out = elaborate(env, src, expected, opts);
    lean_dec(env);
    lean_dec(src);
    lean_dec(expected);
    lean_dec(opts);
    return io_ok(out);
}

static lean_object *elab_bulk(lean_object *env, lean_object *sources, lean_object *opts,
                              int progress, size_t handle, size_t trampoline) {
    size_t n = lean_array_size(sources);
    lean_object *out = lean_mk_empty_array_with_capacity(lean_box(n));
    lean_object *none = lean_box(0);
    lean_object *result = NULL;
    for (size_t i = 0; i < n; i++) {
        out = lean_array_push(out, elaborate(env, lean_array_get_core(sources, i), none, opts));
        if (progress) {
            uint8_t status = tick(handle, trampoline, i + 1, n);
            if (status != 0) {
                lean_dec(out);
                result = io_ok(except_error_u8(status));
                break;
            }
        }
    }
    if (!result) result = io_ok(progress ? except_ok(out) : out);
    lean_dec(env);
    lean_dec(sources);
    lean_dec(opts);
    return result;
}

LEAN_EXPORT lean_object *lean_rs_host_elaborate_bulk(lean_object *env, lean_object *sources,
                                                     lean_object *opts) {
    return elab_bulk(env, sources, opts, 0, 0, 0);
}

LEAN_EXPORT lean_object *lean_rs_host_elaborate_bulk_progress(lean_object *env,
                                                              lean_object *sources,
                                                              lean_object *opts, size_t handle,
                                                              size_t trampoline) {
    return elab_bulk(env, sources, opts, 1, handle, trampoline);
}

/* ---- kernel check and evidence --------------------------------------------------------- */
/* The first declared name in `src`: the identifier after a declaration keyword. */
static int declared_name(const char *src, char *out, size_t cap) {
    static const char *const kws[] = {"theorem ", "def ", "axiom ", "abbrev ", "opaque ",
                                      "inductive ", "structure ", "instance ", NULL};
    const char *best = NULL;
    size_t best_kw = 0;
    for (int k = 0; kws[k]; k++) {
        const char *p = strstr(src, kws[k]);
        while (p && p != src && p[-1] != '\n' && p[-1] != ' ') p = strstr(p + 1, kws[k]);
        if (p && (!best || p < best)) best = p, best_kw = strlen(kws[k]);
    }
    if (!best) return 0;
    const char *id = best + best_kw;
    while (*id == ' ') id++;
    size_t len = strcspn(id, " :(\t\n{[");
    if (len == 0 || len >= cap) return 0;
    memcpy(out, id, len);
    out[len] = 0;
    return 1;
}

static lean_object *kernel_check(lean_object *env, lean_object *src, lean_object *opts) {
    size_t heartbeats = nat_small(lean_ctor_get(opts, 0));
    size_t limit = nat_small(lean_ctor_get(opts, 1));
    const char *ns = lean_string_cstr(lean_ctor_get(opts, 2));
    lean_object *label = lean_ctor_get(opts, 3);
    size_t total = lean_string_size(src) + 2 * strlen(ns) + 128;
    char *text = (char *)malloc(total);
    /* line 1: namespace or blank, line 2: set_option, then the source */
    snprintf(text, total, "%s%s\nset_option maxHeartbeats %zu in\n%s\n%s%s\n", ns[0] ? "namespace " : "",
             ns, heartbeats, lean_string_cstr(src), ns[0] ? "end " : "", ns);
    lean_object *input = str(text);
    free(text);
    lean_inc(env);
    lean_inc(label);
    lean_object *env2, *msgs, *err;
    if (!process(input, env, label, &env2, &msgs, &err)) {
        lean_inc(label);
        return ctor1(1, failure_of(io_error_text(err), label, limit));
    }
    size_t errors = 0;
    int kernel = 0;
    lean_inc(label);
    lean_object *failure = bound_diagnostics(msgs, label, limit, 2, 0, &errors, &kernel);
    if (errors > 0) {
        lean_dec(env2);
        return ctor1(kernel ? 2 : 1, failure);
    }
    lean_dec(failure);
    char short_name[512], full[1100];
    if (!declared_name(lean_string_cstr(src), short_name, sizeof short_name)) {
        lean_dec(env2);
        lean_inc(label);
        return ctor1(1, failure_of(str("the source added no declaration"), label, limit));
    }
    snprintf(full, sizeof full, "%s%s%s", ns, ns[0] ? "." : "", short_name);
    lean_object *name = l_String_toName(str(full));
    lean_object *info = find(env2, name);
    if (lean_is_scalar(info)) {
        lean_dec(name);
        lean_dec(env2);
        lean_inc(label);
        return ctor1(1, failure_of(str("the source added no declaration"), label, limit));
    }
    lean_dec(info);
    lean_inc(env);
    return ctor1(0, wire_Evidence(env, env2, name));
}

/* Built with -DLEAN_RS_HOST_STAND_IN_STALE the stand-in lacks this mandatory export, which is
 * how the loader tests model a stale shim library. */
#ifndef LEAN_RS_HOST_STAND_IN_STALE
LEAN_EXPORT lean_object *lean_rs_host_kernel_check(lean_object *env, lean_object *src,
                                                   lean_object *opts) {
    lean_object *out = kernel_check(env, src, opts);
    lean_dec(env);
    lean_dec(src);
    lean_dec(opts);
    return io_ok(out);
}
#endif

LEAN_EXPORT lean_object *lean_rs_host_kernel_check_progress(lean_object *env, lean_object *src,
                                                            lean_object *opts, size_t handle,
                                                            size_t trampoline) {
    lean_object *out = kernel_check(env, src, opts);
    lean_dec(env);
    lean_dec(src);
    lean_dec(opts);
    uint8_t status = tick(handle, trampoline, 1, 1);
    if (status != 0) {
        lean_dec(out);
        return io_ok(except_error_u8(status));
    }
    return io_ok(except_ok(out));
}

/* Re-adds the evidence's declaration to the kernel environment it was checked against. */
LEAN_EXPORT lean_object *lean_rs_host_check_evidence(lean_object *env, lean_object *ev) {
    lean_dec(env);
    lean_object *base = lean_ctor_get(ev, 0), *after = lean_ctor_get(ev, 1);
    lean_object *name = lean_ctor_get(ev, 2);
    lean_object *info = find(after, name);
    lean_object *status;
    if (lean_is_scalar(info)) {
        status = lean_box(3);
    } else {
        lean_object *ci = lean_ctor_get(info, 0);
        lean_object *decl = declaration_of(ci);
        lean_inc(base);
        lean_object *kenv = lean_elab_environment_to_kernel_env(base);
        lean_object *r = lean_add_decl(kenv, 0, 512, decl, lean_box(0));
        lean_dec(decl);
        if (lean_obj_tag(r) == 0) {
            /* The kernel's own words: Kernel.Exception.toMessageData, rendered. */
            lean_object *ex = lean_ctor_get(r, 0);
            lean_inc(ex);
            lean_inc(l_Lean_Options_empty);
            lean_object *md = l_Lean_Kernel_Exception_toMessageData(ex, l_Lean_Options_empty);
            lean_object *text = l_Lean_MessageData_toString___boxed(md);
            status = ctor1(2, truncate_utf8(lean_string_append(str("(kernel) "), text),
                                            PROOF_SUMMARY_BYTE_LIMIT, NULL));
            lean_dec(text);
        } else {
            lean_object *val = lean_ctor_get(ci, 0);
            lean_object *type = lean_ctor_get(lean_ctor_get(val, 0), 2);
            lean_inc(type);
            int uses_sorry = unbox_bool(l_Lean_Expr_hasSorry___boxed(type));
            unsigned tag = lean_obj_tag(ci);
            if (!uses_sorry && (tag == 1 || tag == 2)) {
                lean_object *value = lean_ctor_get(val, 1);
                lean_inc(value);
                uses_sorry = unbox_bool(l_Lean_Expr_hasSorry___boxed(value));
            }
            status = uses_sorry ? lean_box(1) : lean_box(0);
        }
        lean_dec(r);
        lean_dec(info);
    }
    lean_dec(ev);
    return io_ok(status);
}

LEAN_EXPORT lean_object *lean_rs_host_evidence_summary(lean_object *env, lean_object *ev) {
    lean_dec(env);
    lean_object *after = lean_ctor_get(ev, 1), *name = lean_ctor_get(ev, 2);
    lean_object *kind = str(kind_word(after, name));
    lean_object *type = type_of(after, name);
    lean_object *sig;
    if (lean_is_scalar(type)) {
        sig = str("");
    } else {
        sig = lean_expr_dbg_to_string(lean_ctor_get(type, 0));
    }
    lean_dec(type);
    lean_inc(name);
    lean_object *name_text = l_Lean_Name_toString(name, 1);
    lean_dec(ev);
    return io_ok(wire_ProofSummary(truncate_utf8(name_text, PROOF_SUMMARY_BYTE_LIMIT, NULL),
                                   truncate_utf8(kind, PROOF_SUMMARY_BYTE_LIMIT, NULL),
                                   truncate_utf8(sig, PROOF_SUMMARY_BYTE_LIMIT, NULL)));
}

/* ---- optional meta services (kernel-backed in the stand-in) ---------------------------- */
/* MetaOpts: heartbeats, diagnosticByteLimit. Kernel results are Except KernelException α. */
static lean_object *meta_result(lean_object *r, int is_bool, size_t limit) {
    lean_object *out;
    if (lean_obj_tag(r) == 0) {
        out = ctor1(3, failure_of(str("(kernel) the kernel raised an exception"),
                                  str("<lean-rs-meta>"), limit));
    } else if (is_bool) {
        out = ctor1(1, nat(unbox_bool(lean_ctor_get(r, 0)) ? 1 : 0));
    } else {
        lean_object *v = lean_ctor_get(r, 0);
        lean_inc(v);
        out = ctor1(0, v);
    }
    lean_dec(r);
    return out;
}

/* The kernel helpers take the elaborator's `Lean.Environment` (Lean/Environment.lean). */
static lean_object *kenv_of(lean_object *env) { return env; }

LEAN_EXPORT lean_object *lean_rs_host_meta_infer_type(lean_object *env, lean_object *expr,
                                                      lean_object *opts) {
    size_t limit = nat_small(lean_ctor_get(opts, 1));
    lean_dec(opts);
    lean_inc(l_Lean_LocalContext_empty);
    return io_ok(meta_result(lean_kernel_check(kenv_of(env), l_Lean_LocalContext_empty, expr), 0,
                             limit));
}

LEAN_EXPORT lean_object *lean_rs_host_meta_whnf(lean_object *env, lean_object *expr,
                                                lean_object *opts) {
    size_t limit = nat_small(lean_ctor_get(opts, 1));
    lean_dec(opts);
    lean_inc(l_Lean_LocalContext_empty);
    return io_ok(meta_result(lean_kernel_whnf(kenv_of(env), l_Lean_LocalContext_empty, expr), 0,
                             limit));
}

LEAN_EXPORT lean_object *lean_rs_host_meta_is_def_eq(lean_object *env, lean_object *request,
                                                     lean_object *opts) {
    size_t limit = nat_small(lean_ctor_get(opts, 1));
    lean_dec(opts);
    /* Expr × Expr × UInt8: (lhs, (rhs, mode)); the kernel has one transparency. */
    lean_object *lhs = lean_ctor_get(request, 0), *rest = lean_ctor_get(request, 1);
    lean_object *rhs = lean_ctor_get(rest, 0);
    lean_inc(lhs);
    lean_inc(rhs);
    lean_dec(request);
    lean_inc(l_Lean_LocalContext_empty);
    return io_ok(meta_result(
        lean_kernel_is_def_eq(kenv_of(env), l_Lean_LocalContext_empty, lhs, rhs), 1, limit));
}

/* Elaborates a term of 200 nested arrows under `set_option maxHeartbeats`: Lean's own
 * heartbeat check stops it when the budget is small. */
LEAN_EXPORT lean_object *lean_rs_host_meta_heartbeat_burn(lean_object *env, lean_object *expr,
                                                          lean_object *opts) {
    size_t heartbeats = nat_small(lean_ctor_get(opts, 0));
    size_t limit = nat_small(lean_ctor_get(opts, 1));
    lean_dec(opts);
    lean_dec(expr);
    enum { DEPTH = 200 };
    size_t cap = DEPTH * 12 + 256;
    char *text = (char *)malloc(cap);
    size_t at = (size_t)snprintf(text, cap, "set_option maxHeartbeats %zu in\ndef _lean_rs_burn : Sort 1 := ",
                                 heartbeats);
    for (int i = 0; i < DEPTH; i++) at += (size_t)snprintf(text + at, cap - at, "Sort 0 → ");
    snprintf(text + at, cap - at, "Sort 0\n");
    lean_object *input = str(text);
    free(text);
    lean_object *env2, *msgs, *err;
    lean_object *label = str("<lean-rs-meta>");
    lean_inc(label);
    if (!process(input, env, label, &env2, &msgs, &err)) {
        return io_ok(ctor1(3, failure_of(io_error_text(err), label, limit)));
    }
    lean_dec(env2);
    size_t n = lean_array_size(msgs);
    lean_object *out = NULL;
    for (size_t i = 0; i < n && !out; i++) {
        lean_object *data = lean_ctor_get(lean_array_get_core(msgs, i), 4);
        lean_inc(data);
        lean_object *t = l_Lean_MessageData_toString___boxed(data);
        if (strstr(lean_string_cstr(t), "heartbeats")) {
            out = ctor1(4, truncate_utf8(t, limit, NULL));
        } else {
            lean_dec(t);
        }
    }
    lean_dec(msgs);
    lean_dec(label);
    return io_ok(out ? out : ctor1(2, str("budget not exhausted")));
}

/* lean_rs_host_meta_pp_expr and lean_rs_host_process_with_info_tree: deliberately absent. */

/* The host package's callback test export: ticks 1..total. */
LEAN_EXPORT lean_object *lean_rs_interop_test_callback_loop(size_t handle, size_t trampoline,
                                                           uint64_t total) {
    for (uint64_t i = 1; i <= total; i++) {
        uint8_t status = tick(handle, trampoline, i, total);
        if (status != 0) return io_ok(lean_box(status));
    }
    return io_ok(lean_box(0));
}
