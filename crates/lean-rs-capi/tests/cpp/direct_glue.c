/* The C side of the direct C++ route: lean.h's inline helpers are C, so a few of them are
 * wrapped here as real functions the C++ program calls through extern "C". Compiled with
 * the Lean-emitted C of the shapes and prelude packages against our own lean.h. */
#include <lean/lean.h>

/* Initializers of the emitted modules (the shapes root imports the prelude). */
lean_object *initialize_lean_x2drs_x2dshapes_LeanRsShapes(uint8_t builtin);

int direct_init_runtime_and_module(void) {
  lean_initialize_runtime_module();
  lean_initialize();
  lean_init_task_manager();
  lean_object *res = initialize_lean_x2drs_x2dshapes_LeanRsShapes(1);
  int ok = lean_io_result_is_ok(res);
  lean_dec_ref(res);
  lean_io_mark_end_initialization();
  return ok;
}

void direct_attach(void) { lean_initialize_thread(); }
void direct_detach(void) { lean_finalize_thread(); }
lean_object *direct_mk_string(const char *s) { return lean_mk_string(s); }
const char *direct_string_cstr(lean_object *s) { return lean_string_cstr(s); }
void direct_dec(lean_object *o) { lean_dec(o); }
