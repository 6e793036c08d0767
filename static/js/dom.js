// Small DOM helpers: an element builder, text that only changes when it must
// (no flicker, no lost selection), and keyed lists that reuse their nodes.

const SVG_NS = "http://www.w3.org/2000/svg";

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.setAttribute("class", v);
    else if (k === "text") el.textContent = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/* h("td", {class: "x", onclick: f}, "text", child...) */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/* The same for SVG elements. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/* Sets el's text only when it differs. */
export function setText(el, text) {
  const t = text === null || text === undefined ? "" : String(text);
  if (el.textContent !== t) el.textContent = t;
}

/* Sets or removes an attribute only when it differs. */
export function setAttr(el, name, value) {
  if (value === null || value === undefined || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== String(value)) {
    el.setAttribute(name, value);
  }
}

export function byId(id) {
  return document.getElementById(id);
}

/*
 * Makes container's children match items in order, one node per key:
 * existing nodes are updated and moved only when out of place (focus and
 * scroll survive), new ones created, the rest removed.
 */
export function reconcile(container, items, key, create, update) {
  const old = new Map();
  for (const el of container.children) old.set(el.dataset.key, el);
  let at = container.firstElementChild;
  for (const item of items) {
    const k = String(key(item));
    let el = old.get(k);
    if (el) old.delete(k);
    else {
      el = create(item);
      el.dataset.key = k;
    }
    update(el, item);
    if (el !== at) container.insertBefore(el, at);
    else at = at.nextElementSibling;
  }
  for (const el of old.values()) el.remove();
}
