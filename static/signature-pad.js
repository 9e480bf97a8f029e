// Signature pads: a <canvas> inside an element with data-signature-pad, where a finger, a pen or a
// mouse draws. Each stroke is kept as points [x, y, t] (x and y from 0 to 1 across the pad, t in
// milliseconds since the stroke began) and the whole drawing is written as JSON into the pad's
// hidden input (name="strokes"), which the form sends. A button with data-signature-clear empties it.
(() => {
  const round = (value) => Math.round(value * 10000) / 10000;

  function setUp(pad) {
    const canvas = pad.querySelector("canvas");
    const input = pad.querySelector("input[type=hidden]");
    const clear = pad.querySelector("[data-signature-clear]");
    const context = canvas.getContext("2d");
    let strokes = [];
    let current = null;
    let began = 0;

    function resize() {
      const box = canvas.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      draw();
    }

    function draw() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      context.lineWidth = 2.5 * (window.devicePixelRatio || 1);
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#12306b";
      for (const stroke of strokes) {
        context.beginPath();
        stroke.forEach(([x, y], index) => {
          const px = x * canvas.width;
          const py = y * canvas.height;
          if (index === 0) context.moveTo(px, py);
          else context.lineTo(px, py);
        });
        if (stroke.length === 1) context.lineTo(stroke[0][0] * canvas.width + 0.5, stroke[0][1] * canvas.height + 0.5);
        context.stroke();
      }
    }

    function point(event) {
      const box = canvas.getBoundingClientRect();
      const x = Math.min(1, Math.max(0, (event.clientX - box.left) / box.width));
      const y = Math.min(1, Math.max(0, (event.clientY - box.top) / box.height));
      return [round(x), round(y), Math.round(event.timeStamp - began)];
    }

    function save() {
      input.value = strokes.length ? JSON.stringify(strokes) : "";
      pad.classList.toggle("signed", strokes.length > 0);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    canvas.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      began = event.timeStamp;
      current = [point(event)];
      strokes.push(current);
      draw();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!current) return;
      event.preventDefault();
      current.push(point(event));
      draw();
    });
    const end = () => {
      if (!current) return;
      current = null;
      save();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    if (clear) {
      clear.addEventListener("click", () => {
        strokes = [];
        save();
        draw();
      });
    }
    window.addEventListener("resize", resize);
    resize();
  }

  document.querySelectorAll("[data-signature-pad]").forEach(setUp);
})();
