import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * The GGUF v3 container, as llama.cpp reads it: header, key/value metadata,
 * tensor descriptions, then the tensors' data, each aligned. Only what a
 * test model needs: scalar and array metadata, F32 tensors.
 */
export type GgufValue = string | number | boolean | GgufTyped | readonly string[] | GgufArray;

/** A number with its GGUF type spelt out (plain numbers are written as u32 when whole, f32 otherwise). */
export interface GgufTyped {
  type: 'u32' | 'i32' | 'f32' | 'u64';
  value: number;
}

export interface GgufArray {
  type: 'f32' | 'i32';
  values: ArrayLike<number>;
}

export interface GgufTensor {
  name: string;
  /** llama.cpp's order: the fastest-moving dimension first. */
  dims: readonly number[];
  data: Float32Array;
}

const ALIGNMENT = 32;
const TYPE = { u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10 } as const;
const GGML_TYPE_F32 = 0;

class ByteSink {
  private readonly parts: Buffer[] = [];
  length = 0;

  push(buffer: Buffer): void {
    this.parts.push(buffer);
    this.length += buffer.length;
  }

  u32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.push(buffer);
  }

  i32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.push(buffer);
  }

  f32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.push(buffer);
  }

  u64(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.push(buffer);
  }

  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding > 0) this.push(Buffer.alloc(padding));
  }

  buffers(): Buffer[] {
    return this.parts;
  }
}

function isStringList(value: GgufValue): value is readonly string[] {
  return Array.isArray(value);
}

function writeValue(sink: ByteSink, value: GgufValue): void {
  if (typeof value === 'string') {
    sink.u32(TYPE.string);
    sink.string(value);
  } else if (typeof value === 'boolean') {
    sink.u32(TYPE.bool);
    sink.push(Buffer.from([value ? 1 : 0]));
  } else if (typeof value === 'number') {
    writeValue(sink, Number.isInteger(value) && value >= 0 ? { type: 'u32', value } : { type: 'f32', value });
  } else if (isStringList(value)) {
    sink.u32(TYPE.array);
    sink.u32(TYPE.string);
    sink.u64(value.length);
    for (const item of value) sink.string(item);
  } else if ('values' in value) {
    sink.u32(TYPE.array);
    sink.u32(TYPE[value.type]);
    sink.u64(value.values.length);
    for (let i = 0; i < value.values.length; i++) {
      const item = value.values[i] as number;
      if (value.type === 'f32') sink.f32(item);
      else sink.i32(item);
    }
  } else {
    sink.u32(TYPE[value.type]);
    if (value.type === 'u32') sink.u32(value.value);
    else if (value.type === 'i32') sink.i32(value.value);
    else if (value.type === 'f32') sink.f32(value.value);
    else sink.u64(value.value);
  }
}

/** The whole file as buffers, in order. */
export function encodeGguf(metadata: Readonly<Record<string, GgufValue>>, tensors: readonly GgufTensor[]): Buffer[] {
  const sink = new ByteSink();
  sink.push(Buffer.from('GGUF', 'ascii'));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    sink.string(key);
    writeValue(sink, value);
  }
  let offset = 0;
  for (const tensor of tensors) {
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
    if (elements !== tensor.data.length) throw new Error(`tensor ${tensor.name}: dims ${tensor.dims.join('x')} do not match ${tensor.data.length} values`);
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(GGML_TYPE_F32);
    sink.u64(offset);
    offset += Math.ceil(tensor.data.byteLength / ALIGNMENT) * ALIGNMENT;
  }
  sink.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.padTo(ALIGNMENT);
  }
  return sink.buffers();
}

export async function writeGguf(path: string, metadata: Readonly<Record<string, GgufValue>>, tensors: readonly GgufTensor[]): Promise<void> {
  const out = createWriteStream(path);
  for (const buffer of encodeGguf(metadata, tensors)) {
    if (!out.write(buffer)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}
