// Lean compiler output
// Module: LeanRsDecls.Basic
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
uint8_t lean_nat_dec_eq(lean_object*, lean_object*);
lean_object* lean_nat_sub(lean_object*, lean_object*);
lean_object* lean_nat_add(lean_object*, lean_object*);
uint8_t lean_nat_dec_le(lean_object*, lean_object*);
lean_object* lean_nat_mod(lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_double(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_double___boxed(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_ctorIdx(uint8_t);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_ctorIdx___boxed(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_ctorElim___redArg(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_ctorElim___redArg___boxed(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_ctorElim(lean_object*, lean_object*, uint8_t, lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_ctorElim___boxed(lean_object*, lean_object*, lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_red_elim___redArg(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_red_elim___redArg___boxed(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2ddecls_LeanRsDecls_Color_red_elim(lean_object*, uint8_t, lean_object*, lean_object*);
