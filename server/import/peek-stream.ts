import { PassThrough, type Readable } from 'node:stream';

export interface PeekedStream {
  head: Buffer;
  /** The whole input again, head first. */
  stream: Readable;
  /**
   * Lets go of the input without destroying it, so an HTTP request whose reading stopped early can still be
   * drained and answered; call it once reading is over.
   */
  release(): void;
}

/** Reads the first chunks of a stream until `enough` says the head tells what is needed, or the stream ends. */
export async function peekStream(input: Readable, enough: (head: Buffer) => boolean): Promise<PeekedStream> {
  let head = Buffer.alloc(0);
  // The iterator is left without destroying the input, which stays paused until it is piped on.
  for await (const chunk of input.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    head = Buffer.concat([head, chunk]);
    if (enough(head)) break;
  }
  const stream = new PassThrough();
  stream.write(head);
  if (input.readableEnded) {
    stream.end();
    return { head, stream, release: () => stream.destroy() };
  }
  const fail = (error: Error) => stream.destroy(error);
  input.on('error', fail);
  input.pipe(stream);
  return {
    head,
    stream,
    release: () => {
      input.off('error', fail);
      input.unpipe(stream);
      stream.destroy();
    },
  };
}
