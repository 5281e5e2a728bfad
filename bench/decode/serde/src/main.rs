// bench/decode/serde: the Rust anchor of bench/decode.sh (this project's own program).
// usage: decode_anchor decode|linepath|linepath-log FILE [PASSES]
// decode: serde_json::from_str::<SensorData> on every line of FILE (already a &str).
// linepath: the chapter's server path for every line: String::from_utf8_lossy, trim check,
// serde_json::from_str, the ACK with format!; linepath-log adds the chapter's two log lines
// ("Received raw JSON ..." and "Deserialized data: {:?}"), written into a buffer.
// Prints "<lines> <bytes> <seconds>" for PASSES (default 1) timed passes, after one untimed;
// the seconds are time on the CPU (/proc/self/schedstat, as decode_bench.c), wall time where
// that file is missing.
use serde::Deserialize;
use std::io::Write;
use std::time::Instant;

/// Seconds on the CPU so far, or None without /proc/self/schedstat.
fn cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e9)
}

#[allow(dead_code)]
#[derive(Deserialize, Debug)]
struct SensorData {
    device_id: String,
    temperature_c: f32,
    humidity_percent: f32,
    timestamp: u64,
}

fn decode(text: &str) -> (usize, usize) {
    let mut n = 0;
    let mut ok = 0;
    for line in text.split('\n') {
        if line.is_empty() {
            continue;
        }
        n += 1;
        if let Ok(d) = serde_json::from_str::<SensorData>(line) {
            ok += d.device_id.len() & 1;
        }
    }
    (n, ok)
}

fn line_path(data: &[u8], log: bool) -> (usize, usize) {
    let peer = "127.0.0.1:40000";
    let mut out: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut logbuf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut total = 0usize;
    let mut n = 0usize;
    for raw in data.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(raw);
        if line.trim().is_empty() {
            continue;
        }
        n += 1;
        if log {
            writeln!(logbuf, "Received raw JSON from {}: {}", peer, line.trim()).unwrap();
        }
        match serde_json::from_str::<SensorData>(&line) {
            Ok(data) => {
                if log {
                    writeln!(logbuf, "Deserialized data: {:?}", data).unwrap();
                }
                let response = format!(
                    "ACK: Received data from {} (Temp: {}C)\n",
                    data.device_id, data.temperature_c
                );
                out.extend_from_slice(response.as_bytes());
            }
            Err(e) => {
                if log {
                    writeln!(logbuf, "Failed to deserialize JSON from {}: {}", peer, e).unwrap();
                }
                out.extend_from_slice(b"ERROR: Invalid JSON\n");
            }
        }
        if out.len() >= 1 << 16 {
            total += out.len();
            out.clear();
        }
        if logbuf.len() >= 1 << 16 {
            total += logbuf.len();
            logbuf.clear();
        }
    }
    (n, total + out.len() + logbuf.len())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 || args.len() > 4 {
        eprintln!("usage: decode_anchor decode|linepath|linepath-log FILE [PASSES]");
        std::process::exit(2);
    }
    let passes: usize = args.get(3).map(|p| p.parse().expect("PASSES")).unwrap_or(1);
    let data = std::fs::read(&args[2]).expect("read FILE");
    let mode = args[1].as_str();
    let run = |data: &[u8]| -> (usize, usize) {
        match mode {
            "decode" => decode(std::str::from_utf8(data).expect("UTF-8 corpus")),
            "linepath" => line_path(data, false),
            "linepath-log" => line_path(data, true),
            _ => {
                eprintln!("unknown mode {}", mode);
                std::process::exit(2);
            }
        }
    };
    let warm = run(&data);
    let t = Instant::now();
    let c = cpu_seconds();
    for _ in 0..passes {
        let r = run(&data);
        assert_eq!(warm, r);
    }
    let secs = match (c, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => t.elapsed().as_secs_f64(),
    };
    println!("{} {} {:.6}", warm.0 * passes, data.len() * passes, secs);
}
