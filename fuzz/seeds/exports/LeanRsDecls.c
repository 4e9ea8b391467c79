// Lean compiler output
// Module: LeanRsDecls
// Imports: public import LeanRsDecls.Basic public import LeanRsDecls.Theorems public import LeanRsDecls.Structures
#include <lean/lean.h>
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunused-parameter"
#pragma clang diagnostic ignored "-Wunused-label"
#elif defined(__GNUC__) && !defined(__CLANG__)
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-label"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#endif
#ifdef __cplusplus
extern "C" {
#endif
lean_object* initialize_lean_x2drs_x2ddecls_LeanRsDecls_Basic(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2ddecls_LeanRsDecls_Theorems(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2ddecls_LeanRsDecls_Structures(uint8_t builtin);
void lean_initialize_runtime_module();
static bool _G_initialized = false;
LEAN_EXPORT lean_object* initialize_lean_x2drs_x2ddecls_LeanRsDecls(uint8_t builtin) {
lean_object * res;
if (_G_initialized) return lean_io_result_mk_ok(lean_box(0));
_G_initialized = true;
lean_initialize_runtime_module();
res = initialize_lean_x2drs_x2ddecls_LeanRsDecls_Basic(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_lean_x2drs_x2ddecls_LeanRsDecls_Theorems(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_lean_x2drs_x2ddecls_LeanRsDecls_Structures(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
return lean_io_result_mk_ok(lean_box(0));
}
#ifdef __cplusplus
}
#endif
