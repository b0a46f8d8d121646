// Small helpers both pages share: building elements (text is always set as text, never parsed as
// HTML: card names and error messages come from outside) and formatting numbers.

export const $ = (selector, root = document) => root.querySelector(selector);

// h('div', {class: 'x', dataset: {k: 'v'}, onclick: f}, 'text', child, ...)
export function h(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

// The same for SVG elements: svg('polyline', {points: '0,0 1,1'}).
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function money(value, currency = 'USD') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currency}`;
  }
}

export function ms(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value >= 10000) return `${(value / 1000).toFixed(1)} s`;
  return `${Math.round(value)} ms`;
}

export function percent(fraction, digits = 0) {
  if (!Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function number(value, digits = 0) {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

// "1 card", "3 cards"; `many` for the irregular: plural(n, 'entry', 'entries').
export function plural(n, one, many = `${one}s`) {
  return `${number(n)} ${n === 1 ? one : many}`;
}

// "59/110", or "59" for a set that prints no total.
export function cardNumber(number, printedTotal) {
  if (!number) return '';
  return printedTotal ? `${number}/${printedTotal}` : String(number);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}
