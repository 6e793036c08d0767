// Placeholder dashboard: shows the answer of /api/health every 10 s.
"use strict";

async function refreshHealth() {
  const state = document.getElementById("health-state");
  const body = document.getElementById("health-body");
  try {
    const res = await fetch("/api/health", { cache: "no-store" });
    const data = await res.json();
    state.textContent = res.ok ? "Healthy: database connected" : "Unhealthy: " + (data.detail || res.status);
    state.className = res.ok ? "ok" : "bad";
    body.textContent = JSON.stringify(data, null, 2);
  } catch (err) {
    state.textContent = "API unreachable (" + err.message + "), retrying";
    state.className = "bad";
  }
}

refreshHealth();
setInterval(refreshHealth, 10000);
