// Lean compiler output
// Module: LeanRsShapes.Effects
// Imports: public import LeanRsPrelude
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
lean_object* lean_string_append(lean_object*, lean_object*);
uint8_t lean_nat_dec_eq(lean_object*, lean_object*);
uint64_t lean_uint64_add(uint64_t, uint64_t);
static const lean_string_object lp_lean_x2drs_x2dshapes_LeanRsShapes_ioShout___closed__0_value = {.m_header = {.m_rc = 0, .m_cs_sz = 0, .m_other = 0, .m_tag = 249}, .m_size = 2, .m_capacity = 2, .m_length = 1, .m_data = "!"};
static const lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_ioShout___closed__0 = (const lean_object*)&lp_lean_x2drs_x2dshapes_LeanRsShapes_ioShout___closed__0_value;
LEAN_EXPORT lean_object* lean_rs_shapes_io_shout(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_ioShout___boxed(lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_ioUnit___redArg();
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_ioUnit___redArg___boxed(lean_object*);
LEAN_EXPORT lean_object* lean_rs_shapes_io_unit(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_ioUnit___boxed(lean_object*, lean_object*);
LEAN_EXPORT lean_object* lean_rs_shapes_io_user_error(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_ioUserError___boxed(lean_object*, lean_object*);
