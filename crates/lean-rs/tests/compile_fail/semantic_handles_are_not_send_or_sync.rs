fn require_send<T: Send>() {}
fn require_sync<T: Sync>() {}

fn main() {
    require_send::<lean_rs::LeanName<'static>>();
    require_sync::<lean_rs::LeanName<'static>>();
    require_send::<lean_rs::LeanLevel<'static>>();
    require_sync::<lean_rs::LeanLevel<'static>>();
    require_send::<lean_rs::LeanExpr<'static>>();
    require_sync::<lean_rs::LeanExpr<'static>>();
    require_send::<lean_rs::LeanDeclaration<'static>>();
    require_sync::<lean_rs::LeanDeclaration<'static>>();
}
