fn require_send<T: Send>() {}
fn require_sync<T: Sync>() {}

fn main() {
    require_send::<lean_rs::LeanThreadGuard<'static>>();
    require_sync::<lean_rs::LeanThreadGuard<'static>>();
}
