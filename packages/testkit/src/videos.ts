import ffmpeg from 'fluent-ffmpeg';

export interface TestVideoOptions {
  /** Output file (its extension picks the container, e.g. .mp4). */
  out: string;
  seconds: number;
  fps?: number;
  width?: number;
  height?: number;
  /** Add a sine audio track. */
  audio?: boolean;
}

/** Renders ffmpeg's `testsrc2` pattern (moving, with a frame counter) to an H.264 file. */
export function makeTestVideo(opts: TestVideoOptions): Promise<string> {
  const { out, seconds, fps = 30, width = 320, height = 240, audio = false } = opts;
  return new Promise((resolve, reject) => {
    const cmd = ffmpeg()
      .input(`testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`)
      .inputFormat('lavfi');
    if (audio) cmd.input(`sine=frequency=440:duration=${seconds}`).inputFormat('lavfi');
    cmd
      .outputOptions(['-c:v libx264', '-preset ultrafast', '-pix_fmt yuv420p', `-g ${Math.round(fps)}`])
      .outputOptions(audio ? ['-c:a aac', '-shortest'] : ['-an'])
      .output(out)
      .on('end', () => resolve(out))
      .on('error', (err: Error) => reject(new Error(`ffmpeg could not make ${out}: ${err.message}`)))
      .run();
  });
}
