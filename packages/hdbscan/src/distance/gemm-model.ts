/**
 * Builds, in memory, the one-node ONNX model the distance pass hands to onnxruntime:
 * `Y[m, n] = A[m, d] · B[n, d]ᵀ` (Gemm with transB = 1, float32, every dimension symbolic).
 *
 * Generating the few hundred bytes here keeps a binary model file (and the `onnx` Python package) out of
 * the repository. Only the protobuf fields the graph needs are written; field numbers are those of
 * onnx.proto3 (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto).
 */

const WIRE_VARINT = 0;
const WIRE_BYTES = 2;

/** Accumulates one protobuf message; nested messages are encoded first and written as bytes. */
class MessageWriter {
  private readonly chunks: number[] = [];

  varint(field: number, value: number): this {
    this.key(field, WIRE_VARINT);
    this.rawVarint(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: MessageWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private bytes(field: number, value: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.rawVarint(value.length);
    for (const byte of value) this.chunks.push(byte);
    return this;
  }

  private key(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`Cannot encode ${value} as a varint`);
    let rest = value;
    while (rest >= 0x80) {
      this.chunks.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.chunks.push(rest);
  }
}

const TENSOR_FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTRIBUTE_INT = 2; // AttributeProto.AttributeType.INT

/** ValueInfoProto for a float32 matrix whose two dimensions are named, not fixed. */
function floatMatrix(name: string, rows: string, cols: string): MessageWriter {
  const shape = new MessageWriter()
    .message(1, new MessageWriter().string(2, rows)) // dim { dim_param }
    .message(1, new MessageWriter().string(2, cols));
  const tensorType = new MessageWriter().varint(1, TENSOR_FLOAT).message(2, shape); // elem_type, shape
  return new MessageWriter().string(1, name).message(2, new MessageWriter().message(1, tensorType));
}

export const GEMM_INPUT_LEFT = 'left';
export const GEMM_INPUT_RIGHT = 'right';
export const GEMM_OUTPUT = 'product';

/** Serialised ModelProto (IR version 8, default-domain opset 13) computing `product = left · rightᵀ`. */
export function buildGemmTransposedModel(): Uint8Array {
  const transB = new MessageWriter().string(1, 'transB').varint(20, ATTRIBUTE_INT).varint(3, 1);
  const node = new MessageWriter()
    .string(1, GEMM_INPUT_LEFT)
    .string(1, GEMM_INPUT_RIGHT)
    .string(2, GEMM_OUTPUT)
    .string(3, 'gram')
    .string(4, 'Gemm')
    .message(5, transB);
  const graph = new MessageWriter()
    .message(1, node)
    .string(2, 'hdbscan_pairwise_products')
    .message(11, floatMatrix(GEMM_INPUT_LEFT, 'rows', 'dims'))
    .message(11, floatMatrix(GEMM_INPUT_RIGHT, 'cols', 'dims'))
    .message(12, floatMatrix(GEMM_OUTPUT, 'rows', 'cols'));
  return new MessageWriter()
    .varint(1, 8) // ir_version
    .string(2, '@orion/hdbscan') // producer_name
    .message(7, graph)
    .message(8, new MessageWriter().string(1, '').varint(2, 13)) // opset_import
    .finish();
}
