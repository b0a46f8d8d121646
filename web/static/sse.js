// Server-sent events read from a fetch() body. EventSource cannot POST, so /recognize?stream=1
// is read with a ReadableStream reader and its frames are parsed here. Pure: no DOM, no fetch,
// so node can import it as well as the browser.

// Splits text into complete frames ("event: x\ndata: {...}\n\n"); returns the parsed frames and
// the unfinished rest, to be prepended to the next chunk. A CR at the very end waits for the next
// chunk: it may be the first half of a CRLF.
export function parseFrames(buffered) {
  const held = buffered.endsWith('\r') ? '\r' : '';
  const text = buffered.slice(0, buffered.length - held.length).replace(/\r\n?/g, '\n');
  const frames = [];
  let start = 0;
  for (let end = text.indexOf('\n\n', start); end !== -1; end = text.indexOf('\n\n', start)) {
    const frame = parseFrame(text.slice(start, end));
    if (frame) frames.push(frame);
    start = end + 2;
  }
  return { frames, rest: text.slice(start) + held };
}

// One frame's lines → {event, data}; null for a frame with no data (a comment, a keep-alive).
export function parseFrame(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  return { event, data: data.join('\n') };
}

// Reads a streamed Response body to its end, calling onEvent(name, parsedJson) per frame as it
// arrives. A frame whose data is not JSON is passed as the raw string.
export async function readEventStream(body, onEvent) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    rest += done ? decoder.decode() : decoder.decode(value, { stream: true });
    const parsed = parseFrames(done ? rest + '\n\n' : rest);
    rest = parsed.rest;
    for (const frame of parsed.frames) onEvent(frame.event, parseData(frame.data));
    if (done) return;
  }
}

function parseData(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
