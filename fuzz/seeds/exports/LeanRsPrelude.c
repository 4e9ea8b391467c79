// Lean compiler output
// Module: LeanRsPrelude
// Imports: public import LeanRsPrelude.Core public import LeanRsPrelude.Nat public import LeanRsPrelude.Scalar public import LeanRsPrelude.Data public import LeanRsPrelude.IO public import LeanRsPrelude.Tactic
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
lean_object* initialize_LeanRsPrelude_Core(uint8_t builtin);
lean_object* initialize_LeanRsPrelude_Nat(uint8_t builtin);
lean_object* initialize_LeanRsPrelude_Scalar(uint8_t builtin);
lean_object* initialize_LeanRsPrelude_Data(uint8_t builtin);
lean_object* initialize_LeanRsPrelude_IO(uint8_t builtin);
lean_object* initialize_LeanRsPrelude_Tactic(uint8_t builtin);
void lean_initialize_runtime_module();
static bool _G_initialized = false;
LEAN_EXPORT lean_object* initialize_LeanRsPrelude(uint8_t builtin) {
lean_object * res;
if (_G_initialized) return lean_io_result_mk_ok(lean_box(0));
_G_initialized = true;
lean_initialize_runtime_module();
res = initialize_LeanRsPrelude_Core(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_LeanRsPrelude_Nat(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_LeanRsPrelude_Scalar(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_LeanRsPrelude_Data(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_LeanRsPrelude_IO(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_LeanRsPrelude_Tactic(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
