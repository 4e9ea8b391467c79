//! The connect-back transport for children a launcher starts on another machine.
//!
//! A scheduler's launcher (`srun`, a Kubernetes Job, …) can carry environment variables to the
//! child but not two extra pipes. So the parent listens on a TCP port, passes the address and a
//! one-time secret in the child's environment, and the child connects back. Before any
//! protocol frame the child sends one bounded hello line: the secret and where it runs. The
//! parent drops any connection whose secret does not match (and keeps waiting for the right
//! one); after the hello, the socket carries the unchanged private protocol in both
//! directions, and the child's stdout/stderr stay the launcher's, as diagnostics.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::OwnedFd;
use std::time::{Duration, Instant};

use crate::launcher::LeanWorkerPlacement;

/// `host:port` the child connects to.
pub(crate) const ENV_CONNECT: &str = "LEAN_RS_WORKER_CONNECT";
/// The one-time secret the child proves (hex).
pub(crate) const ENV_SECRET: &str = "LEAN_RS_WORKER_SECRET";
/// Which environment variables name the child's placement: `node=VAR,job=VAR,step=VAR`.
pub(crate) const ENV_PLACEMENT: &str = "LEAN_RS_WORKER_PLACEMENT_ENV";

/// The hello line's first word and version.
const HELLO_MAGIC: &str = "lean-rs-worker-hello/1";
/// Longest hello line accepted (bytes, newline included).
const HELLO_LIMIT: usize = 1024;
/// Longest placement field kept.
const FIELD_LIMIT: usize = 128;
/// How long a connected peer has to send its hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// A fresh 128-bit secret, hex.
pub(crate) fn secret() -> io::Result<String> {
    let mut bytes = [0u8; 16];
    File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let mut text = String::with_capacity(32);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    Ok(text)
}

/// Equal in time independent of where the inputs differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A placement field from the peer: bounded, printable, no spaces.
fn field(value: &str) -> Option<String> {
    let ok = !value.is_empty()
        && value != "-"
        && value.len() <= FIELD_LIMIT
        && value.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| value.to_owned())
}

/// What the child said before the protocol started.
#[derive(Debug)]
pub(crate) struct Hello {
    pub(crate) placement: LeanWorkerPlacement,
}

/// Parses `lean-rs-worker-hello/1 <secret> <node> <job> <step>` (`-` for unknown).
fn parse_hello(line: &str, want: &str, scheduler: &str) -> Result<Hello, String> {
    let mut words = line.trim_end_matches(['\n', '\r']).split(' ');
    if words.next() != Some(HELLO_MAGIC) {
        return Err("not a lean-rs worker hello".into());
    }
    let secret = words.next().unwrap_or_default();
    if !same_secret(secret, want) {
        return Err("wrong secret".into());
    }
    let node = words.next().and_then(field);
    let job = words.next().and_then(field);
    let step = words.next().and_then(field);
    if words.next().is_some() {
        return Err("trailing words in the hello".into());
    }
    Ok(Hello {
        placement: LeanWorkerPlacement {
            scheduler: scheduler.to_owned(),
            node,
            job,
            step,
        },
    })
}

/// Reads and checks one peer's hello (bounded in size and time).
fn read_hello(stream: &TcpStream, want: &str, scheduler: &str) -> Result<Hello, String> {
    stream
        .set_read_timeout(Some(HELLO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    // Byte by byte: whatever follows the newline is the protocol's, and must stay unread.
    let mut line = Vec::new();
    let mut reader = stream;
    let mut byte = [0u8; 1];
    while line.len() < HELLO_LIMIT && line.last() != Some(&b'\n') {
        match reader.read(&mut byte) {
            Ok(0) => return Err("the peer closed before its hello".into()),
            Ok(_) => line.push(byte[0]),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(format!("reading the hello: {err}")),
        }
    }
    if line.last() != Some(&b'\n') {
        return Err("hello too long".into());
    }
    stream.set_read_timeout(None).map_err(|e| e.to_string())?;
    let line = String::from_utf8(line).map_err(|_| "hello is not UTF-8".to_owned())?;
    parse_hello(&line, want, scheduler)
}

/// Waits for the child with `secret` to connect, until `deadline` or until `gave_up` says the
/// launch failed. Strangers and wrong secrets are dropped; waiting goes on.
pub(crate) fn accept(
    listener: &TcpListener,
    secret: &str,
    scheduler: &str,
    deadline: Instant,
    mut gave_up: impl FnMut() -> Option<String>,
) -> Result<(TcpStream, Hello), String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    loop {
        match listener.accept() {
            Ok((stream, peer)) => {
                if stream.set_nonblocking(false).is_err() {
                    continue;
                }
                match read_hello(&stream, secret, scheduler) {
                    Ok(hello) => {
                        let _ = stream.set_nodelay(true);
                        return Ok((stream, hello));
                    }
                    Err(why) => {
                        tracing::warn!(target: "lean_rs_worker", %peer, %why, "dropped a connection that is not our worker child");
                    }
                }
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                if let Some(why) = gave_up() {
                    return Err(why);
                }
                if Instant::now() >= deadline {
                    return Err("the child did not connect back in time".into());
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(format!("accept: {err}")),
        }
    }
}

/// The child's side: connects to `$LEAN_RS_WORKER_CONNECT`, sends the hello, and returns the
/// socket as the (request, reply) pair. `None` when the variable is unset (a local child).
pub(crate) fn connect_from_env() -> Option<Result<(File, File), String>> {
    let address = std::env::var(ENV_CONNECT).ok()?;
    Some(connect(&address))
}

fn connect(address: &str) -> Result<(File, File), String> {
    let secret = std::env::var(ENV_SECRET)
        .map_err(|_| format!("{ENV_CONNECT} is set but {ENV_SECRET} is not"))?;
    let addr: SocketAddr = address
        .parse()
        .map_err(|_| format!("{ENV_CONNECT}={address:.60} is not `ip:port`"))?;
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(30))
        .map_err(|e| format!("cannot connect back to {addr}: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (node, job, step) = placement_from_env();
    let hello = format!("{HELLO_MAGIC} {secret} {node} {job} {step}\n");
    stream
        .write_all(hello.as_bytes())
        .map_err(|e| format!("sending the hello: {e}"))?;
    let reply = stream
        .try_clone()
        .map_err(|e| format!("cannot split the socket: {e}"))?;
    // One socket, two handles: requests are read from one, replies written to the other (as
    // with the local launcher's two pipes; a closed socket reads as end of input).
    Ok((
        File::from(OwnedFd::from(stream)),
        File::from(OwnedFd::from(reply)),
    ))
}

/// `(node, job, step)` from the variables `$LEAN_RS_WORKER_PLACEMENT_ENV` names, `-` when unknown.
fn placement_from_env() -> (String, String, String) {
    let spec = std::env::var(ENV_PLACEMENT).unwrap_or_default();
    let lookup = |key: &str| {
        spec.split(',')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == key)
            .and_then(|(_, var)| std::env::var(var).ok())
            .and_then(|value| field(&value))
            .unwrap_or_else(|| "-".to_owned())
    };
    (lookup("node"), lookup("job"), lookup("step"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hello_needs_the_secret_and_bounds_its_fields() {
        let want = "00ff";
        let hello = parse_hello("lean-rs-worker-hello/1 00ff n2 17 0\n", want, "slurm").unwrap();
        assert_eq!(hello.placement.node.as_deref(), Some("n2"));
        assert_eq!(hello.placement.job.as_deref(), Some("17"));
        assert_eq!(hello.placement.step.as_deref(), Some("0"));
        assert!(parse_hello("lean-rs-worker-hello/1 00fe n2 17 0\n", want, "slurm").is_err());
        assert!(parse_hello("lean-rs-worker-hello/1 00f n2 17 0\n", want, "slurm").is_err());
        assert!(parse_hello("hello 00ff n2 17 0\n", want, "slurm").is_err());
        assert!(parse_hello("lean-rs-worker-hello/1 00ff n2 17 0 x\n", want, "slurm").is_err());
        let unknown = parse_hello("lean-rs-worker-hello/1 00ff - - -\n", want, "slurm").unwrap();
        assert_eq!(unknown.placement.node, None);
        let long = "x".repeat(FIELD_LIMIT + 1);
        let cut = parse_hello(
            &format!("lean-rs-worker-hello/1 00ff {long} 1 0\n"),
            want,
            "s",
        )
        .unwrap();
        assert_eq!(cut.placement.node, None);
    }

    #[test]
    fn accept_skips_strangers_and_takes_the_child_with_the_secret() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let secret = secret().unwrap();
        assert_eq!(secret.len(), 32);
        let good = secret.clone();
        let peers = std::thread::spawn(move || {
            let mut stranger = TcpStream::connect(addr).unwrap();
            stranger
                .write_all(b"lean-rs-worker-hello/1 0123 n1 1 0\n")
                .unwrap();
            let mut child = TcpStream::connect(addr).unwrap();
            child
                .write_all(format!("lean-rs-worker-hello/1 {good} n3 42 0\nframes").as_bytes())
                .unwrap();
            child
        });
        let deadline = Instant::now() + Duration::from_secs(10);
        let (mut stream, hello) = accept(&listener, &secret, "slurm", deadline, || None).unwrap();
        assert_eq!(hello.placement.node.as_deref(), Some("n3"));
        assert_eq!(hello.placement.job.as_deref(), Some("42"));
        let _child = peers.join().unwrap();
        let mut rest = [0u8; 6];
        stream.read_exact(&mut rest).unwrap();
        assert_eq!(&rest, b"frames");
        let failed = accept(&listener, &secret, "slurm", deadline, || {
            Some("srun exited".into())
        });
        assert_eq!(failed.unwrap_err(), "srun exited");
    }
}
