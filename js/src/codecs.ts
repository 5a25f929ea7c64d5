// Binary arrays from Python: {buffer, dtype, shape} (memoryview + dtype + shape on the Python side).

export interface WireArray {
  buffer: DataView | ArrayBuffer | ArrayBufferView;
  dtype: string;
  shape: number[];
}

export type NumericArray = Float32Array | Uint32Array | Int32Array | Uint8Array | Float64Array;

const CTORS: Record<string, { new (b: ArrayBuffer, o: number, n: number): NumericArray; BYTES: number }> = {
  float32: Object.assign(Float32Array as never, { BYTES: 4 }),
  float64: Object.assign(Float64Array as never, { BYTES: 8 }),
  uint32: Object.assign(Uint32Array as never, { BYTES: 4 }),
  int32: Object.assign(Int32Array as never, { BYTES: 4 }),
  uint8: Object.assign(Uint8Array as never, { BYTES: 1 }),
};

/** A typed array over the bytes of a wire array (no copy when aligned). */
export function decode(wire: WireArray | null | undefined): NumericArray | null {
  if (!wire || !wire.buffer) return null;
  const ctor = CTORS[wire.dtype];
  if (!ctor) throw new Error(`embedkit: unsupported dtype ${String(wire.dtype)}`);
  return viewAs(wire.buffer, wire.dtype);
}

/** Interpret raw bytes (DataView, ArrayBuffer or typed array) as the given dtype. */
export function viewAs(buf: DataView | ArrayBuffer | ArrayBufferView, dtype: string): NumericArray {
  const ctor = CTORS[dtype];
  if (!ctor) throw new Error(`embedkit: unsupported dtype ${dtype}`);
  let ab: ArrayBuffer;
  let offset = 0;
  let nbytes: number;
  if (buf instanceof ArrayBuffer) {
    ab = buf;
    nbytes = buf.byteLength;
  } else {
    ab = buf.buffer as ArrayBuffer;
    offset = buf.byteOffset;
    nbytes = buf.byteLength;
  }
  const n = Math.floor(nbytes / ctor.BYTES);
  if (offset % ctor.BYTES === 0) return new ctor(ab, offset, n);
  const copy = ab.slice(offset, offset + n * ctor.BYTES);
  return new ctor(copy, 0, n);
}
