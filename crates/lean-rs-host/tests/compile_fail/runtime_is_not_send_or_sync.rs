// Lean-bound host types must stay on their thread.
use lean_rs_host::{LeanCapabilities, LeanEvidence, LeanHost, LeanSession, SessionPool};

fn send<T: Send>() {}
fn sync<T: Sync>() {}

fn main() {
    send::<LeanHost<'static>>();
    sync::<LeanHost<'static>>();
    send::<LeanCapabilities<'static, 'static>>();
    sync::<LeanCapabilities<'static, 'static>>();
    send::<LeanSession<'static, 'static>>();
    sync::<LeanSession<'static, 'static>>();
    send::<SessionPool<'static>>();
    sync::<SessionPool<'static>>();
    send::<LeanEvidence<'static>>();
    sync::<LeanEvidence<'static>>();
}
