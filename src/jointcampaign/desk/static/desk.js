// The campaign desk's only script: upload a picked folder with each file's relative path, and
// follow a run's progress without reloading. Every page also works without it (plain form posts,
// a refresh every few seconds on the run page).
"use strict";

function setUpUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const folder = document.getElementById("folder-input");
  const archive = document.getElementById("zip-input");
  const note = document.getElementById("upload-note");
  const button = document.getElementById("check-button");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!folder.files.length && !archive.files.length) {
      note.textContent = "Choose the campaign folder or its .zip first.";
      folder.focus();
      return;
    }
    const data = new FormData();
    // name each file by its path in the folder explicitly: not every browser's own form post does
    for (const file of folder.files) data.append("files", file, file.webkitRelativePath || file.name);
    for (const file of archive.files) data.append("archive", file, file.name);
    note.textContent = "Uploading and checking…";
    button.disabled = true;
    try {
      const response = await fetch(form.action, { method: "POST", body: data, credentials: "same-origin" });
      if (!response.redirected) {
        note.textContent =
          response.status === 401
            ? "Your desk link is no longer valid. Open the newest link you were given, then upload again."
            : `The desk could not take this upload (error ${response.status}). Try again.`;
        button.disabled = false;
        return;
      }
      window.location.assign(response.url);
    } catch (error) {
      note.textContent = "The upload did not reach the desk. Check the connection and try again.";
      button.disabled = false;
    }
  });
}

function showProgress(status) {
  const state = document.getElementById("run-state");
  if (state && state.dataset.state !== status.state) {
    state.dataset.state = status.state;
    state.textContent = status.state_text;
  }
  const queue = document.getElementById("run-queue");
  if (queue && status.state !== "queued") queue.textContent = "";
  const eta = document.getElementById("run-eta");
  if (eta && status.eta_s !== null) {
    const when = status.state === "running" ? "left" : "once it starts";
    eta.textContent = `About ${status.eta_s} s ${when} (from the last runs of this campaign).`;
  }
  const elapsed = document.getElementById("run-elapsed");
  if (elapsed && status.elapsed_s !== null) elapsed.textContent = String(Math.round(status.elapsed_s));
  for (const stage of status.stages) {
    const box = document.querySelector(`.stage[data-stage="${stage.stage}"]`);
    if (!box) continue;
    for (const step of stage.steps) {
      const row = Array.from(box.querySelectorAll(".step")).find((li) => li.dataset.step === step.step);
      if (!row) continue;
      const percent = Math.round(step.done * 100);
      row.querySelector("progress").value = percent;
      row.querySelector(".pct").textContent = step.failed ? "failed" : `${percent}%`;
      row.classList.toggle("failed", step.failed);
    }
  }
}

function followRun() {
  const run = document.getElementById("run");
  if (!run || run.dataset.finished !== "no") return;
  const url = run.dataset.statusUrl;
  const poll = async () => {
    try {
      const response = await fetch(url, { cache: "no-store", credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        showProgress(status);
        if (status.finished) {
          // the finished page lists the bundles, brief and QC report; let the new state be read first
          setTimeout(() => window.location.reload(), 800);
          return;
        }
      }
    } catch (error) {
      // a missed poll is retried below
    }
    setTimeout(poll, 1000);
  };
  poll();
}

document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("validation-summary");
  if (summary) summary.focus();
  setUpUpload();
  followRun();
});
