// Lean compiler output
// Module: LeanRsShapes.Containers
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
lean_object* lean_mk_empty_array_with_capacity(lean_object*);
uint8_t lean_nat_dec_eq(lean_object*, lean_object*);
lean_object* lean_nat_sub(lean_object*, lean_object*);
lean_object* lean_nat_add(lean_object*, lean_object*);
uint64_t lean_uint64_of_nat(lean_object*);
LEAN_EXPORT uint64_t lp_lean_x2drs_x2dshapes_List_foldl___at___00LeanRsShapes_arrayU64Sum_spec__0(uint64_t, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_List_foldl___at___00LeanRsShapes_arrayU64Sum_spec__0___boxed(lean_object*, lean_object*);
LEAN_EXPORT uint64_t lean_rs_shapes_array_u64_sum(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_arrayU64Sum___boxed(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_LeanRsShapes_arrayU64Range_go(lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* lean_rs_shapes_array_u64_range(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_List_foldl___at___00LeanRsShapes_arrayStringSuffix_spec__0(lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_List_foldl___at___00LeanRsShapes_arrayStringSuffix_spec__0___boxed(lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* lean_rs_shapes_array_string_suffix(lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dshapes_List_foldl___at___00LeanRsShapes_arrayNatSum_spec__0(lean_object*, lean_object*);
