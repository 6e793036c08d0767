// The person's display choices, kept in localStorage when it can be: odds
// as fractions (the default, as bookmakers show them) or decimals.

const KEY = "dh.oddsFormat";
const MODES = ["fractional", "decimal", "american", "probability"];

/* One of MODES; fractional for anything else. */
function oddsMode(mode) {
  return MODES.includes(mode) ? mode : "fractional";
}
const listeners = new Set();

function read() {
  try {
    return oddsMode(localStorage.getItem(KEY));
  } catch (e) {
    return "fractional";
  }
}

let format = read();

export function oddsFormat() {
  return format;
}

export function setOddsFormat(mode) {
  format = oddsMode(mode);
  try {
    localStorage.setItem(KEY, format);
  } catch (e) {
    /* storage refused (private mode): the choice lasts for this page */
  }
  for (const fn of listeners) fn(format);
}

export function onChange(fn) {
  listeners.add(fn);
}
