/** A dense row-major matrix of points: `rows` points of `cols` coordinates each. */
export interface PointMatrix {
  readonly data: Float32Array | Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** What `hdbscan()` accepts: one array per point, or a dense row-major matrix. */
export type Points = readonly ArrayLike<number>[] | PointMatrix;

function isPointMatrix(points: Points): points is PointMatrix {
  return !Array.isArray(points);
}

/**
 * Checks the points and returns them as one dense matrix. Rows given as Float32Arrays stay float32;
 * anything else is packed as float64. A dense matrix is used as given (not copied).
 */
export function toPointMatrix(points: Points): PointMatrix {
  if (isPointMatrix(points)) return checkMatrix(points);
  if (!Array.isArray(points)) throw new TypeError('points must be an array of points or a PointMatrix');
  const rows = points.length;
  if (rows === 0) return { data: new Float64Array(0), rows: 0, cols: 0 };
  const cols = points[0]!.length;
  if (cols === 0) throw new RangeError('points have no coordinates (point 0 has length 0)');
  const allFloat32 = points.every((p) => p instanceof Float32Array);
  const data = allFloat32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const point = points[i]!;
    if (point.length !== cols) {
      throw new RangeError(`point ${i} has ${point.length} coordinates; point 0 has ${cols}`);
    }
    for (let k = 0; k < cols; k++) data[i * cols + k] = point[k]!;
  }
  return checkFinite({ data, rows, cols });
}

function checkMatrix(matrix: PointMatrix): PointMatrix {
  const { data, rows, cols } = matrix;
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    throw new TypeError('PointMatrix.data must be a Float32Array or a Float64Array');
  }
  if (!Number.isSafeInteger(rows) || rows < 0)
    throw new RangeError(`PointMatrix.rows must be a whole number ≥ 0, got ${rows}`);
  if (!Number.isSafeInteger(cols) || cols < 1)
    throw new RangeError(`PointMatrix.cols must be a whole number ≥ 1, got ${cols}`);
  if (data.length !== rows * cols) {
    throw new RangeError(
      `PointMatrix.data has ${data.length} values; rows × cols = ${rows} × ${cols} = ${rows * cols}`,
    );
  }
  return checkFinite(matrix);
}

function checkFinite(matrix: PointMatrix): PointMatrix {
  const { data, cols } = matrix;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      const point = Math.floor(i / cols);
      throw new RangeError(
        `point ${point} coordinate ${i - point * cols} is ${data[i]}; coordinates must be finite`,
      );
    }
  }
  return matrix;
}
