fn require_send<T: Send>() {}
fn require_sync<T: Sync>() {}

fn main() {
    require_send::<lean_rs::LeanRuntime>();
    require_sync::<lean_rs::LeanRuntime>();
    require_send::<&'static lean_rs::LeanRuntime>();
}
