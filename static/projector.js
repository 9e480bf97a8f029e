// The room's projector page (templates/signing/projector.html): asks the tracker every few
// seconds for the code, the QR code and the count of signatures, and shows them without
// reloading the page. When the signing window opens or closes, the page is drawn again.
(() => {
  const root = document.querySelector("[data-projector]");
  if (!root) return;
  const url = root.dataset.stateUrl;
  const pollSeconds = Number(root.dataset.pollSeconds) || 3;
  const lost = root.querySelector("[data-lost]");
  const count = root.querySelector("[data-count]");
  const message = root.querySelector("[data-message]");
  const box = root.querySelector("[data-signing-url]");
  const qr = root.querySelector("[data-qr]");
  const code = root.querySelector("[data-code]");

  function show(state) {
    if (state.state !== root.dataset.state) {
      window.location.reload();
      return;
    }
    count.textContent = state.count;
    message.textContent = state.message;
    if (state.state === "open" && code && code.dataset.code !== state.code) {
      code.dataset.code = state.code;
      code.textContent = state.spaced_code;
      qr.src = state.qr;
      box.dataset.signingUrl = state.url;
    }
  }

  async function poll() {
    let wait = pollSeconds;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (response.redirected) {
        // Signed out meanwhile: the page itself now leads to the sign-in.
        window.location.reload();
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const state = await response.json();
      show(state);
      lost.hidden = true;
      // Ask again just after the code changes, rather than up to a poll later.
      if (state.changes_in !== undefined) wait = Math.min(wait, state.changes_in + 0.2);
    } catch (error) {
      lost.textContent = root.dataset.lostText;
      lost.hidden = false;
    }
    window.setTimeout(poll, Math.max(0.5, wait) * 1000);
  }

  const fullscreen = root.querySelector("[data-fullscreen]");
  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else document.documentElement.requestFullscreen();
    });
  }

  window.setTimeout(poll, 1000);
})();
