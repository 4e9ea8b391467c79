fn main() {
    let runtime = lean_rs::LeanRuntime::init().unwrap();
    let guard = lean_rs::LeanThreadGuard::attach(runtime);
    std::thread::spawn(move || drop(guard));
}
