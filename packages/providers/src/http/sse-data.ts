/**
 * The `data` of each server-sent event in `body`, in order, multi-line data
 * joined with newlines; comments, ids and event names are dropped. An event
 * left unfinished when the body ends is dropped too, as the SSE spec says:
 * a cut stream shows as a stream without its last event.
 */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let ended = false;
  try {
    while (!ended) {
      const read = await reader.read();
      ended = read.done;
      buffer += ended ? decoder.decode() : decoder.decode(read.value, { stream: true });
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (line === '') {
          if (data.length > 0) yield data.join('\n');
          data = [];
        } else if (line.startsWith('data:')) {
          data.push(line.startsWith('data: ') ? line.slice(6) : line.slice(5));
        }
      }
    }
  } finally {
    // A consumer that stopped early: nothing more is read from the connection.
    if (!ended) reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
}
