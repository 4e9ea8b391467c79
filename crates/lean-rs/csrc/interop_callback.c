/*
 * C helpers through which Lean code calls Rust callbacks registered with
 * lean_rs::LeanCallbackHandle. Lean declares them with @[extern] and passes the two opaque
 * USize values from LeanCallbackHandle::abi_parts() through unchanged:
 *
 *   LeanRsInterop.Callback.Tick.call   : USize -> USize -> UInt64 -> UInt64 -> BaseIO UInt8
 *   LeanRsInterop.Callback.String.call : USize -> USize -> @& String -> BaseIO UInt8
 *
 * With zero-cost BaseIO (every Lean in the supported window) those compile to the C
 * signatures below: no world argument, the UInt8 returned directly.
 *
 * The trampoline signature is crate-private and must match src/callback/trampoline.rs:
 * the helper names the payload shape it delivers (kind) so the Rust side can reject a
 * handle/helper/trampoline mismatch before interpreting any payload argument.
 *
 * Deliberately free of lean.h: the Lean string is passed through as an opaque pointer.
 */
#include <stddef.h>
#include <stdint.h>

#define LEAN_RS_CALLBACK_KIND_TICK 1
#define LEAN_RS_CALLBACK_KIND_STRING 2
#define LEAN_RS_CALLBACK_WRONG_PAYLOAD 3

typedef uint8_t (*lean_rs_callback_trampoline)(size_t handle, uint8_t kind, uint64_t current,
                                               uint64_t total, void *borrowed_object);

uint8_t lean_rs_interop_tick_callback_call(size_t handle, size_t trampoline, uint64_t current,
                                           uint64_t total) {
    if (trampoline == 0) {
        return LEAN_RS_CALLBACK_WRONG_PAYLOAD;
    }
    lean_rs_callback_trampoline f = (lean_rs_callback_trampoline)trampoline;
    return f(handle, LEAN_RS_CALLBACK_KIND_TICK, current, total, NULL);
}

uint8_t lean_rs_interop_string_callback_call(size_t handle, size_t trampoline,
                                             void *borrowed_string) {
    if (trampoline == 0) {
        return LEAN_RS_CALLBACK_WRONG_PAYLOAD;
    }
    lean_rs_callback_trampoline f = (lean_rs_callback_trampoline)trampoline;
    return f(handle, LEAN_RS_CALLBACK_KIND_STRING, 0, 0, borrowed_string);
}
