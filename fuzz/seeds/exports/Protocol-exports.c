// Lean compiler output
// Module: LeanRsWorkerFixture.Protocol
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
lean_object* lean_string_utf8_byte_size(lean_object*);
uint8_t lean_nat_dec_le(lean_object*, lean_object*);
uint32_t lean_string_utf8_get(lean_object*, lean_object*);
uint8_t lean_uint32_dec_eq(uint32_t, uint32_t);
lean_object* lean_string_utf8_next(lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_findSpace(lean_object*, lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_findSpace___boxed(lean_object*, lean_object*);
static const lean_string_object lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_splitRequest___closed__0_value = {.m_header = {.m_rc = 0, .m_cs_sz = 0, .m_other = 0, .m_tag = 249}, .m_size = 1, .m_capacity = 1, .m_length = 0, .m_data = ""};
-
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_splitRequest(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_splitRequest___boxed(lean_object*);
static const lean_string_object lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_ok___closed__0_value = {.m_header = {.m_rc = 0, .m_cs_sz = 0, .m_other = 0, .m_tag = 249}, .m_size = 4, .m_capacity = 4, .m_length = 3, .m_data = "ok "};
-
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_ok(lean_object*);
LEAN_EXPORT lean_object* lp_lean_x2drs_x2dworker_x2dfixture_LeanRsWorkerFixture_ok___boxed(lean_object*);
