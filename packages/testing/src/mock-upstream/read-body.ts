import type { IncomingMessage } from 'node:http';

/** Reads a request body as text; `onEnd` gets undefined for a body over `maxChars`, which is dropped as it arrives. */
export function readBody(req: IncomingMessage, maxChars: number, onEnd: (text: string | undefined) => void): void {
  let text = '';
  let tooLarge = false;
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    if (tooLarge) return;
    text += chunk;
    if (text.length > maxChars) {
      tooLarge = true;
      text = '';
    }
  });
  req.on('end', () => onEnd(tooLarge ? undefined : text));
}
