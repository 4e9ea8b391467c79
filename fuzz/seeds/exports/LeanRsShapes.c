// Lean compiler output
// Module: LeanRsShapes
// Imports: public import LeanRsShapes.Scalars public import LeanRsShapes.Numbers public import LeanRsShapes.Text public import LeanRsShapes.Containers public import LeanRsShapes.Effects public import LeanRsShapes.Closures public import LeanRsShapes.Globals public import LeanRsShapes.Callback
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
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Scalars(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Numbers(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Text(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Containers(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Effects(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Closures(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Globals(uint8_t builtin);
lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes_Callback(uint8_t builtin);
void lean_initialize_runtime_module();
static bool _G_initialized = false;
LEAN_EXPORT lean_object* initialize_lean_x2drs_x2dshapes_LeanRsShapes(uint8_t builtin) {
lean_object * res;
if (_G_initialized) return lean_io_result_mk_ok(lean_box(0));
_G_initialized = true;
lean_initialize_runtime_module();
res = initialize_lean_x2drs_x2dshapes_LeanRsShapes_Scalars(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
res = initialize_lean_x2drs_x2dshapes_LeanRsShapes_Numbers(builtin);
if (lean_io_result_is_error(res)) return res;
lean_dec_ref(res);
