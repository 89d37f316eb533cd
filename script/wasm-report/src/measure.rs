//! What the chain sees of a wasm: its deployable form (prefix + Brotli, as cargo-stylus builds
//! it), the figures that cost gas or hit a limit, and the limits it breaks.

use std::io::Write as _;

/// Prefix of Stylus program code on chain: EOF-style magic, Stylus root, no dictionary.
pub const STYLUS_PREFIX: [u8; 4] = [0xEF, 0xF0, 0x00, 0x00];
/// Brotli quality and window that cargo-stylus uses.
pub const BROTLI_QUALITY: u32 = 11;
pub const BROTLI_WINDOW: u32 = 22;
/// EVM max code size (EIP-170): the deployable form must fit it.
pub const MAX_DEPLOYABLE_BYTES: usize = 24_576;
/// Stylus `MaxWasmSize`: the uncompressed wasm must fit it.
pub const MAX_RAW_BYTES: usize = 131_072;

/// The figures of one wasm module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub raw_bytes: usize,
    pub deployable_bytes: usize,
    pub data_segment_bytes: usize,
    pub data_segments: u32,
    pub functions: u32,
    pub imported_functions: u32,
}

/// The on-chain form of a wasm: `0xEFF00000` followed by its Brotli compression.
pub fn deployable(wasm: &[u8]) -> Vec<u8> {
    let mut out = STYLUS_PREFIX.to_vec();
    let mut writer = brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
    writer
        .write_all(wasm)
        .expect("writing into a Vec cannot fail");
    // into_inner finishes the Brotli stream.
    writer.into_inner();
    out
}

/// Measures one wasm module; an error when it is not valid wasm.
pub fn measure(wasm: &[u8]) -> Result<Measure, String> {
    use wasmparser::{Parser, Payload, TypeRef};

    let mut m = Measure {
        raw_bytes: wasm.len(),
        deployable_bytes: deployable(wasm).len(),
        data_segment_bytes: 0,
        data_segments: 0,
        functions: 0,
        imported_functions: 0,
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| format!("not a valid wasm module: {e}"))? {
            Payload::ImportSection(reader) => {
                for import in reader {
                    let import = import.map_err(|e| format!("bad import section: {e}"))?;
                    if matches!(import.ty, TypeRef::Func(_)) {
                        m.imported_functions += 1;
                    }
                }
            }
            Payload::FunctionSection(reader) => m.functions = reader.count(),
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data.map_err(|e| format!("bad data section: {e}"))?;
                    m.data_segment_bytes += data.data.len();
                    m.data_segments += 1;
                }
            }
            _ => {}
        }
    }
    Ok(m)
}

/// The chain limits this measure breaks, as messages; empty when it fits.
pub fn violations(m: &Measure) -> Vec<String> {
    let mut v = Vec::new();
    if m.deployable_bytes > MAX_DEPLOYABLE_BYTES {
        v.push(format!(
            "deployable (0xEFF00000 + Brotli) is {} bytes, above the EVM max code size of {MAX_DEPLOYABLE_BYTES}",
            m.deployable_bytes
        ));
    }
    if m.raw_bytes > MAX_RAW_BYTES {
        v.push(format!(
            "uncompressed wasm is {} bytes, above the Stylus MaxWasmSize of {MAX_RAW_BYTES}",
            m.raw_bytes
        ));
    }
    v
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Unsigned LEB128, as the wasm binary format writes sizes and counts.
    fn leb(mut n: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                return;
            }
            out.push(byte | 0x80);
        }
    }

    /// The 8-byte wasm header plus one data section holding one passive segment per entry of `segments`.
    pub fn wasm_with_data(segments: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        leb(segments.len(), &mut body);
        for seg in segments {
            body.push(0x01); // passive segment: no memory index, no offset expression
            leb(seg.len(), &mut body);
            body.extend_from_slice(seg);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(11); // data section id
        leb(body.len(), &mut wasm);
        wasm.extend_from_slice(&body);
        wasm
    }

    /// Incompressible bytes (xorshift), so the Brotli size is about the input size.
    pub fn noise(len: usize) -> Vec<u8> {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect()
    }

    fn decompress(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &data[..], &mut out).expect("valid brotli stream");
        out
    }

    #[test]
    fn deployable_is_prefix_plus_brotli_of_the_wasm() {
        let wasm = wasm_with_data(&[b"hello stylus", &[0u8; 1000]]);
        let d = deployable(&wasm);
        assert_eq!(&d[..4], &[0xEF, 0xF0, 0x00, 0x00]);
        assert_eq!(decompress(&d[4..]), wasm);
        // 1000 zero bytes compress to almost nothing.
        assert!(d.len() < 100, "deployable is {} bytes", d.len());
    }

    #[test]
    fn measures_header_only_module() {
        let wasm = b"\0asm\x01\0\0\0".to_vec();
        let m = measure(&wasm).unwrap();
        assert_eq!(m.raw_bytes, 8);
        assert_eq!(m.deployable_bytes, deployable(&wasm).len());
        assert_eq!((m.data_segment_bytes, m.data_segments), (0, 0));
        assert_eq!((m.functions, m.imported_functions), (0, 0));
        assert!(violations(&m).is_empty());
    }

    #[test]
    fn sums_data_segments() {
        let wasm = wasm_with_data(&[b"abc", b"", &[7u8; 300]]);
        let m = measure(&wasm).unwrap();
        assert_eq!(m.raw_bytes, wasm.len());
        assert_eq!(m.data_segment_bytes, 303);
        assert_eq!(m.data_segments, 3);
    }

    #[test]
    fn counts_local_and_imported_functions() {
        #[rustfmt::skip]
        let wasm: Vec<u8> = [
            &b"\0asm\x01\0\0\0"[..],
            &[1, 4, 1, 0x60, 0, 0],                 // type section: one type () -> ()
            &[2, 7, 1, 1, b'm', 1, b'f', 0, 0],     // import section: m.f, a function of type 0
            &[3, 3, 2, 0, 0],                       // function section: two local functions
            &[10, 7, 2, 2, 0, 0x0b, 2, 0, 0x0b],    // code section: two empty bodies
        ]
        .concat();
        let m = measure(&wasm).unwrap();
        assert_eq!((m.functions, m.imported_functions), (2, 1));
    }

    #[test]
    fn rejects_garbage() {
        assert!(measure(b"not wasm at all").is_err());
    }

    #[test]
    fn fails_above_compressed_limit() {
        // 30,000 incompressible bytes: raw is fine, the deployable form is not.
        let wasm = wasm_with_data(&[&noise(30_000)]);
        let m = measure(&wasm).unwrap();
        assert!(m.raw_bytes <= MAX_RAW_BYTES);
        assert!(m.deployable_bytes > MAX_DEPLOYABLE_BYTES);
        let v = violations(&m);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("24576"), "{}", v[0]);
    }

    #[test]
    fn fails_above_raw_limit() {
        // 140,000 zero bytes: compresses to almost nothing, but the raw wasm is too large.
        let wasm = wasm_with_data(&[&vec![0u8; 140_000]]);
        let m = measure(&wasm).unwrap();
        assert!(m.deployable_bytes <= MAX_DEPLOYABLE_BYTES);
        let v = violations(&m);
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("131072"), "{}", v[0]);
    }

    #[test]
    fn limits_are_inclusive() {
        let at = Measure {
            raw_bytes: MAX_RAW_BYTES,
            deployable_bytes: MAX_DEPLOYABLE_BYTES,
            data_segment_bytes: 0,
            data_segments: 0,
            functions: 0,
            imported_functions: 0,
        };
        assert!(violations(&at).is_empty());
        let over = Measure {
            raw_bytes: MAX_RAW_BYTES + 1,
            deployable_bytes: MAX_DEPLOYABLE_BYTES + 1,
            ..at
        };
        assert_eq!(violations(&over).len(), 2);
    }
}
