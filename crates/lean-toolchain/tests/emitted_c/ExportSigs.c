// Lean compiler output
// Module: ExportSigs
// Imports:
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
LEAN_EXPORT lean_object* l_Eq_ndrec___redArg(lean_object*);
LEAN_EXPORT lean_object* l_Eq_ndrec___redArg___boxed(lean_object*);
LEAN_EXPORT lean_object* l_Eq_ndrec(lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_Eq_ndrec___boxed(lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_Unit_unit;
LEAN_EXPORT lean_object* l_id___redArg(lean_object*);
LEAN_EXPORT lean_object* l_id___redArg___boxed(lean_object*);
LEAN_EXPORT lean_object* l_id(lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_id___boxed(lean_object*, lean_object*);
LEAN_EXPORT uint8_t sig_not(uint8_t);
LEAN_EXPORT lean_object* l_bnot___boxed(lean_object*);
LEAN_EXPORT lean_object* sig_keep(lean_object*, lean_object*);
static const lean_ctor_object l_cst___closed__0_value = {.m_header = {.m_rc = 0, .m_cs_sz = sizeof(lean_ctor_object) + sizeof(void*)*1 + 8, .m_other = 1, .m_tag = 1}, .m_objs = {((lean_object*)(((size_t)(0) << 1) | 1)),LEAN_SCALAR_PTR_LITERAL(0, 0, 0, 0, 0, 0, 0, 0)}};
static const lean_object* l_cst___closed__0 = (const lean_object*)&l_cst___closed__0_value;
LEAN_EXPORT const lean_object* sig_const = (const lean_object*)&l_cst___closed__0_value;
LEAN_EXPORT uint8_t l_scalars___redArg(uint8_t);
LEAN_EXPORT lean_object* l_scalars___redArg___boxed(lean_object*);
LEAN_EXPORT uint8_t sig_scalars(uint8_t, uint16_t, uint32_t, uint64_t, size_t, double, float, lean_object*);
LEAN_EXPORT lean_object* l_scalars___boxed(lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*);
LEAN_EXPORT double sig_float(double);
LEAN_EXPORT lean_object* l_fl___boxed(lean_object*);
LEAN_EXPORT uint32_t l_u32___redArg(uint32_t);
LEAN_EXPORT lean_object* l_u32___redArg___boxed(lean_object*);
LEAN_EXPORT uint32_t sig_u32(uint32_t, uint64_t);
LEAN_EXPORT lean_object* l_u32___boxed(lean_object*, lean_object*);
LEAN_EXPORT lean_object* sig_borrow(lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_inner(lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_inner___boxed(lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_many___redArg(lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* l_many___redArg___boxed(lean_object*, lean_object*, lean_object*);
LEAN_EXPORT lean_object* sig_many(lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, lean_object*, uint8_t);
LEAN_EXPORT lean_object* l_many___boxed(lean_object**);
LEAN_EXPORT lean_object* l_Eq_ndrec___redArg(lean_object* v_m_1_){
_start:
{
lean_inc(v_m_1_);
return v_m_1_;
}
}
LEAN_EXPORT lean_object* l_Eq_ndrec___redArg___boxed(lean_object* v_m_2_){
_start:
{
lean_object* v_res_3_; 
v_res_3_ = l_Eq_ndrec___redArg(v_m_2_);
lean_dec(v_m_2_);
return v_res_3_;
}
}
LEAN_EXPORT lean_object* l_Eq_ndrec(lean_object* v_00_u03b1_4_, lean_object* v_a_5_, lean_object* v_motive_6_, lean_object* v_m_7_, lean_object* v_b_8_, lean_object* v_h_9_){
_start:
{
lean_inc(v_m_7_);
return v_m_7_;
}
}
LEAN_EXPORT lean_object* l_Eq_ndrec___boxed(lean_object* v_00_u03b1_10_, lean_object* v_a_11_, lean_object* v_motive_12_, lean_object* v_m_13_, lean_object* v_b_14_, lean_object* v_h_15_){
_start:
{
lean_object* v_res_16_; 
v_res_16_ = l_Eq_ndrec(v_00_u03b1_10_, v_a_11_, v_motive_12_, v_m_13_, v_b_14_, v_h_15_);
lean_dec(v_b_14_);
lean_dec(v_m_13_);
lean_dec(v_a_11_);
return v_res_16_;
}
}
static lean_object* _init_l_Unit_unit(void){
_start:
{
lean_object* v___x_17_; 
v___x_17_ = lean_box(0);
return v___x_17_;
}
}
LEAN_EXPORT lean_object* l_id___redArg(lean_object* v_a_18_){
_start:
{
lean_inc(v_a_18_);
return v_a_18_;
}
}
LEAN_EXPORT lean_object* l_id___redArg___boxed(lean_object* v_a_19_){
_start:
{
lean_object* v_res_20_; 
v_res_20_ = l_id___redArg(v_a_19_);
lean_dec(v_a_19_);
return v_res_20_;
}
}
LEAN_EXPORT lean_object* l_id(lean_object* v_00_u03b1_21_, lean_object* v_a_22_){
_start:
{
lean_inc(v_a_22_);
return v_a_22_;
}
}
LEAN_EXPORT lean_object* l_id___boxed(lean_object* v_00_u03b1_23_, lean_object* v_a_24_){
_start:
{
lean_object* v_res_25_; 
v_res_25_ = l_id(v_00_u03b1_23_, v_a_24_);
lean_dec(v_a_24_);
return v_res_25_;
}
}
LEAN_EXPORT uint8_t sig_not(uint8_t v_x_26_){
_start:
{
if (v_x_26_ == 0)
{
uint8_t v___x_27_; 
v___x_27_ = 1;
return v___x_27_;
}
else
{
uint8_t v___x_28_; 
v___x_28_ = 0;
return v___x_28_;
}
}
}
LEAN_EXPORT lean_object* l_bnot___boxed(lean_object* v_x_29_){
_start:
{
uint8_t v_x_18__boxed_30_; uint8_t v_res_31_; lean_object* v_r_32_; 
v_x_18__boxed_30_ = lean_unbox(v_x_29_);
v_res_31_ = sig_not(v_x_18__boxed_30_);
v_r_32_ = lean_box(v_res_31_);
return v_r_32_;
}
}
LEAN_EXPORT lean_object* sig_keep(lean_object* v_x_33_, lean_object* v_y_34_){
_start:
{
if (lean_obj_tag(v_x_33_) == 0)
{
return v_y_34_;
}
else
{
lean_object* v___x_36_; uint8_t v_isShared_37_; uint8_t v_isSharedCheck_42_; 
v_isSharedCheck_42_ = !lean_is_exclusive(v_x_33_);
if (v_isSharedCheck_42_ == 0)
{
lean_object* v_unused_43_; 
v_unused_43_ = lean_ctor_get(v_x_33_, 0);
lean_dec(v_unused_43_);
v___x_36_ = v_x_33_;
v_isShared_37_ = v_isSharedCheck_42_;
goto v_resetjp_35_;
}
else
{
lean_dec(v_x_33_);
v___x_36_ = lean_box(0);
v_isShared_37_ = v_isSharedCheck_42_;
goto v_resetjp_35_;
}
v_resetjp_35_:
{
uint8_t v___x_38_; lean_object* v___x_40_; 
v___x_38_ = 0;
if (v_isShared_37_ == 0)
{
lean_ctor_set(v___x_36_, 0, v_y_34_);
v___x_40_ = v___x_36_;
goto v_reusejp_39_;
}
else
{
lean_object* v_reuseFailAlloc_41_; 
v_reuseFailAlloc_41_ = lean_alloc_ctor(1, 1, 1);
lean_ctor_set(v_reuseFailAlloc_41_, 0, v_y_34_);
v___x_40_ = v_reuseFailAlloc_41_;
goto v_reusejp_39_;
}
v_reusejp_39_:
{
lean_ctor_set_uint8(v___x_40_, sizeof(void*)*1, v___x_38_);
return v___x_40_;
}
}
}
}
}
LEAN_EXPORT uint8_t l_scalars___redArg(uint8_t v_a_48_){
_start:
{
return v_a_48_;
}
}
LEAN_EXPORT lean_object* l_scalars___redArg___boxed(lean_object* v_a_49_){
_start:
{
uint8_t v_a_boxed_50_; uint8_t v_res_51_; lean_object* v_r_52_; 
v_a_boxed_50_ = lean_unbox(v_a_49_);
v_res_51_ = l_scalars___redArg(v_a_boxed_50_);
v_r_52_ = lean_box(v_res_51_);
return v_r_52_;
}
}
LEAN_EXPORT uint8_t sig_scalars(uint8_t v_a_53_, uint16_t v___b_54_, uint32_t v___c_55_, uint64_t v___d_56_, size_t v___e_57_, double v___f_58_, float v___g_59_, lean_object* v___h_60_){
_start:
{
lean_dec(v___h_60_);
return v_a_53_;
}
}
LEAN_EXPORT lean_object* l_scalars___boxed(lean_object* v_a_61_, lean_object* v___b_62_, lean_object* v___c_63_, lean_object* v___d_64_, lean_object* v___e_65_, lean_object* v___f_66_, lean_object* v___g_67_, lean_object* v___h_68_){
_start:
{
uint8_t v_a_boxed_69_; uint16_t v___b_boxed_70_; uint32_t v___c_boxed_71_; uint64_t v___d_boxed_72_; size_t v___e_boxed_73_; double v___f_boxed_74_; float v___g_boxed_75_; uint8_t v_res_76_; lean_object* v_r_77_; 
v_a_boxed_69_ = lean_unbox(v_a_61_);
v___b_boxed_70_ = lean_unbox(v___b_62_);
v___c_boxed_71_ = lean_unbox_uint32(v___c_63_);
lean_dec(v___c_63_);
v___d_boxed_72_ = lean_unbox_uint64(v___d_64_);
lean_dec_ref(v___d_64_);
v___e_boxed_73_ = lean_unbox_usize(v___e_65_);
lean_dec(v___e_65_);
v___f_boxed_74_ = lean_unbox_float(v___f_66_);
lean_dec_ref(v___f_66_);
v___g_boxed_75_ = lean_unbox_float32(v___g_67_);
lean_dec_ref(v___g_67_);
v_res_76_ = sig_scalars(v_a_boxed_69_, v___b_boxed_70_, v___c_boxed_71_, v___d_boxed_72_, v___e_boxed_73_, v___f_boxed_74_, v___g_boxed_75_, v___h_68_);
v_r_77_ = lean_box(v_res_76_);
return v_r_77_;
}
}
LEAN_EXPORT double sig_float(double v_f_78_){
_start:
{
return v_f_78_;
}
}
LEAN_EXPORT lean_object* l_fl___boxed(lean_object* v_f_79_){
_start:
{
double v_f_boxed_80_; double v_res_81_; lean_object* v_r_82_; 
v_f_boxed_80_ = lean_unbox_float(v_f_79_);
lean_dec_ref(v_f_79_);
v_res_81_ = sig_float(v_f_boxed_80_);
v_r_82_ = lean_box_float(v_res_81_);
return v_r_82_;
}
}
LEAN_EXPORT uint32_t l_u32___redArg(uint32_t v_x_83_){
_start:
{
return v_x_83_;
}
}
LEAN_EXPORT lean_object* l_u32___redArg___boxed(lean_object* v_x_84_){
_start:
{
uint32_t v_x_boxed_85_; uint32_t v_res_86_; lean_object* v_r_87_; 
v_x_boxed_85_ = lean_unbox_uint32(v_x_84_);
lean_dec(v_x_84_);
v_res_86_ = l_u32___redArg(v_x_boxed_85_);
v_r_87_ = lean_box_uint32(v_res_86_);
return v_r_87_;
}
}
LEAN_EXPORT uint32_t sig_u32(uint32_t v_x_88_, uint64_t v___y_89_){
_start:
{
return v_x_88_;
}
}
LEAN_EXPORT lean_object* l_u32___boxed(lean_object* v_x_90_, lean_object* v___y_91_){
_start:
{
uint32_t v_x_boxed_92_; uint64_t v___y_boxed_93_; uint32_t v_res_94_; lean_object* v_r_95_; 
v_x_boxed_92_ = lean_unbox_uint32(v_x_90_);
lean_dec(v_x_90_);
v___y_boxed_93_ = lean_unbox_uint64(v___y_91_);
lean_dec_ref(v___y_91_);
v_res_94_ = sig_u32(v_x_boxed_92_, v___y_boxed_93_);
v_r_95_ = lean_box_uint32(v_res_94_);
return v_r_95_;
}
}
LEAN_EXPORT lean_object* sig_borrow(lean_object* v_x_96_, lean_object* v_y_97_){
_start:
{
if (lean_obj_tag(v_x_96_) == 0)
{
return v_y_97_;
}
else
{
lean_object* v___x_99_; uint8_t v_isShared_100_; uint8_t v_isSharedCheck_105_; 
v_isSharedCheck_105_ = !lean_is_exclusive(v_x_96_);
if (v_isSharedCheck_105_ == 0)
{
lean_object* v_unused_106_; 
v_unused_106_ = lean_ctor_get(v_x_96_, 0);
lean_dec(v_unused_106_);
v___x_99_ = v_x_96_;
v_isShared_100_ = v_isSharedCheck_105_;
goto v_resetjp_98_;
}
else
{
lean_dec(v_x_96_);
v___x_99_ = lean_box(0);
v_isShared_100_ = v_isSharedCheck_105_;
goto v_resetjp_98_;
}
v_resetjp_98_:
{
uint8_t v___x_101_; lean_object* v___x_103_; 
v___x_101_ = 0;
if (v_isShared_100_ == 0)
{
lean_ctor_set(v___x_99_, 0, v_y_97_);
v___x_103_ = v___x_99_;
goto v_reusejp_102_;
}
else
{
lean_object* v_reuseFailAlloc_104_; 
v_reuseFailAlloc_104_ = lean_alloc_ctor(1, 1, 1);
lean_ctor_set(v_reuseFailAlloc_104_, 0, v_y_97_);
v___x_103_ = v_reuseFailAlloc_104_;
goto v_reusejp_102_;
}
v_reusejp_102_:
{
lean_ctor_set_uint8(v___x_103_, sizeof(void*)*1, v___x_101_);
return v___x_103_;
}
}
}
}
}
LEAN_EXPORT lean_object* l_inner(lean_object* v_x_107_, lean_object* v_y_108_){
_start:
{
if (lean_obj_tag(v_x_107_) == 0)
{
return v_y_108_;
}
else
{
uint8_t v___x_109_; lean_object* v___x_110_; 
v___x_109_ = 1;
v___x_110_ = lean_alloc_ctor(1, 1, 1);
lean_ctor_set(v___x_110_, 0, v_y_108_);
lean_ctor_set_uint8(v___x_110_, sizeof(void*)*1, v___x_109_);
return v___x_110_;
}
}
}
LEAN_EXPORT lean_object* l_inner___boxed(lean_object* v_x_111_, lean_object* v_y_112_){
_start:
{
lean_object* v_res_113_; 
v_res_113_ = l_inner(v_x_111_, v_y_112_);
lean_dec(v_x_111_);
return v_res_113_;
}
}
LEAN_EXPORT lean_object* l_many___redArg(lean_object* v_a1_114_, lean_object* v_a2_115_, lean_object* v_a17_116_){
_start:
{
if (lean_obj_tag(v_a1_114_) == 0)
{
lean_inc(v_a17_116_);
return v_a17_116_;
}
else
{
lean_inc(v_a2_115_);
return v_a2_115_;
}
}
}
LEAN_EXPORT lean_object* l_many___redArg___boxed(lean_object* v_a1_117_, lean_object* v_a2_118_, lean_object* v_a17_119_){
_start:
{
lean_object* v_res_120_; 
v_res_120_ = l_many___redArg(v_a1_117_, v_a2_118_, v_a17_119_);
lean_dec(v_a17_119_);
lean_dec(v_a2_118_);
lean_dec(v_a1_117_);
return v_res_120_;
}
}
LEAN_EXPORT lean_object* sig_many(lean_object* v_a1_121_, lean_object* v_a2_122_, lean_object* v_a3_123_, lean_object* v_a4_124_, lean_object* v_a5_125_, lean_object* v_a6_126_, lean_object* v_a7_127_, lean_object* v_a8_128_, lean_object* v_a9_129_, lean_object* v_a10_130_, lean_object* v_a11_131_, lean_object* v_a12_132_, lean_object* v_a13_133_, lean_object* v_a14_134_, lean_object* v_a15_135_, lean_object* v_a16_136_, lean_object* v_a17_137_, uint8_t v___u_138_){
_start:
{
lean_dec(v_a16_136_);
lean_dec(v_a15_135_);
lean_dec(v_a14_134_);
lean_dec(v_a13_133_);
lean_dec(v_a12_132_);
lean_dec(v_a11_131_);
lean_dec(v_a10_130_);
lean_dec(v_a9_129_);
lean_dec(v_a8_128_);
lean_dec(v_a7_127_);
lean_dec(v_a6_126_);
lean_dec(v_a5_125_);
lean_dec(v_a4_124_);
lean_dec(v_a3_123_);
if (lean_obj_tag(v_a1_121_) == 0)
{
lean_dec(v_a2_122_);
return v_a17_137_;
}
else
{
lean_dec_ref_known(v_a1_121_, 1);
lean_dec(v_a17_137_);
return v_a2_122_;
}
}
}
LEAN_EXPORT lean_object* l_many___boxed(lean_object** _args){
lean_object* v_a1_139_ = _args[0];
lean_object* v_a2_140_ = _args[1];
lean_object* v_a3_141_ = _args[2];
lean_object* v_a4_142_ = _args[3];
lean_object* v_a5_143_ = _args[4];
lean_object* v_a6_144_ = _args[5];
lean_object* v_a7_145_ = _args[6];
lean_object* v_a8_146_ = _args[7];
lean_object* v_a9_147_ = _args[8];
lean_object* v_a10_148_ = _args[9];
lean_object* v_a11_149_ = _args[10];
lean_object* v_a12_150_ = _args[11];
lean_object* v_a13_151_ = _args[12];
lean_object* v_a14_152_ = _args[13];
lean_object* v_a15_153_ = _args[14];
lean_object* v_a16_154_ = _args[15];
lean_object* v_a17_155_ = _args[16];
lean_object* v___u_156_ = _args[17];
_start:
{
uint8_t v___u_boxed_157_; lean_object* v_res_158_; 
v___u_boxed_157_ = lean_unbox(v___u_156_);
v_res_158_ = sig_many(v_a1_139_, v_a2_140_, v_a3_141_, v_a4_142_, v_a5_143_, v_a6_144_, v_a7_145_, v_a8_146_, v_a9_147_, v_a10_148_, v_a11_149_, v_a12_150_, v_a13_151_, v_a14_152_, v_a15_153_, v_a16_154_, v_a17_155_, v___u_boxed_157_);
return v_res_158_;
}
}
void lean_initialize_runtime_module();
static bool _G_initialized = false;
LEAN_EXPORT lean_object* initialize_ExportSigs(uint8_t builtin) {
lean_object * res;
if (_G_initialized) return lean_io_result_mk_ok(lean_box(0));
_G_initialized = true;
lean_initialize_runtime_module();
l_Unit_unit = _init_l_Unit_unit();
lean_mark_persistent(l_Unit_unit);
return lean_io_result_mk_ok(lean_box(0));
}
#ifdef __cplusplus
}
#endif
