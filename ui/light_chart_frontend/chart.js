// Draws one Plotly figure sent by ui/light_chart.py and reports clicks on its points.
// Streamlit's component protocol by hand: this frame says "componentReady", Streamlit sends
// "streamlit:render" messages with the arguments and the theme, and this frame answers with
// its height and, on a click, a value shaped like st.plotly_chart's selection event.

const chart = document.getElementById("chart");
let drawn = null; // the figure JSON on screen: a rerun that sends the same one redraws nothing

function tell(type, fields) {
  window.parent.postMessage(Object.assign({ isStreamlitMessage: true, type: type }, fields), "*");
}

function themed(layout, theme) {
  // The page's colours and font (as Streamlit's own Plotly theme does), unless the figure
  // sets them itself.
  const font = Object.assign({ color: theme.textColor, family: "sans-serif" }, layout.font);
  return Object.assign(
    { paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)" },
    layout,
    { font: font },
  );
}

function reportClick(event) {
  const point = event.points[0];
  tell("streamlit:setComponentValue", {
    dataType: "json",
    value: {
      selection: {
        points: [{ x: point.x, y: point.y, curve_number: point.curveNumber,
                   point_index: point.pointIndex }],
      },
      at: Date.now(), // a second click on the same point (even after a remount) is new too
    },
  });
}

// Lecture view (ui/lecture.py): the chart as tall as the window, and keys on the whole page
// (this frame and the page around it, same origin): space plays or pauses, ←/→ step one
// frame, R restarts from the first frame. The frame shown is the slider's active stop's,
// kept in `shown` from plotly.js's own animation events.
const lecture = { on: false, playing: false, shown: 0, listening: false };

// plotly.js rejects an animation's promise when another one interrupts it: that is expected
function quiet() { }

function frameNames() {
  return (chart._transitionData && chart._transitionData._frames || []).map((f) => f.name);
}

function play(fromStart) {
  const names = frameNames();
  if (!names.length) return;
  const run = () => {
    lecture.playing = true;
    const menu = chart.layout.updatemenus && chart.layout.updatemenus[0];
    const frame = menu ? menu.buttons[0].args[1].frame : { duration: 40, redraw: false };
    Plotly.animate(chart, null, { frame: frame, fromcurrent: true, mode: "immediate",
                                  transition: { duration: 0 } }).catch(quiet);
  };
  if (fromStart) showFrame(0).then(run); else run();
}

function pause() {
  lecture.playing = false;
  return Plotly.animate(chart, [null], { frame: { duration: 0, redraw: false },
                                         mode: "immediate" }).catch(quiet);
}

function showFrame(index) {
  const names = frameNames();
  lecture.shown = Math.max(0, Math.min(names.length - 1, index));
  return Plotly.animate(chart, [names[lecture.shown]], {
    frame: { duration: 0, redraw: false }, transition: { duration: 0 }, mode: "immediate" })
    .catch(quiet);
}

function onKey(event) {
  if (!lecture.on || event.target.closest && event.target.closest("input, textarea, select")) {
    return;
  }
  const key = event.key;
  if (key === " " || key === "Spacebar") {
    if (lecture.playing) pause(); else play(false);
  } else if (key === "ArrowRight" || key === "ArrowLeft") {
    const step = key === "ArrowRight" ? 1 : -1;
    (lecture.playing ? pause() : Promise.resolve()).then(() => showFrame(lecture.shown + step));
  } else if (key === "r" || key === "R") {
    pause().then(() => play(true));
  } else {
    return;
  }
  event.preventDefault();
}

function listenForKeys() {
  if (lecture.listening) return;
  lecture.listening = true;
  document.addEventListener("keydown", onKey);
  try { window.parent.document.addEventListener("keydown", onKey); } catch (error) { }
  chart.on("plotly_animatingframe", (event) => {
    const index = frameNames().indexOf(event.name);
    if (index >= 0) lecture.shown = index;
    lecture.playing = true; // also when ▶ Play was clicked
  });
  chart.on("plotly_animated", () => { lecture.playing = false; });
  chart.on("plotly_animationinterrupted", () => { lecture.playing = false; });
}

function windowHeight(args) {
  // the chart fills the window from where its frame starts (below the view options)
  if (!args.lecture) return args.height;
  try {
    const top = window.frameElement.getBoundingClientRect().top + window.parent.scrollY;
    return Math.max(400, Math.floor(window.parent.innerHeight - top - 16));
  } catch (error) { return args.height; }
}

window.addEventListener("message", (event) => {
  const message = event.data;
  // Only the page that holds this frame may draw in it.
  if (event.source !== window.parent || !message || message.type !== "streamlit:render") return;
  const args = message.args;
  document.body.style.background = (message.theme || {}).backgroundColor || "transparent";
  if (args.spec !== drawn) {
    drawn = args.spec;
    const figure = JSON.parse(args.spec);
    const layout = themed(figure.layout || {}, message.theme || {});
    lecture.on = Boolean(args.lecture);
    if (lecture.on) layout.height = windowHeight(args);
    const config = Object.assign({ responsive: true }, args.config);
    Plotly.react(chart, { data: figure.data, layout: layout, frames: figure.frames || [],
                          config: config }).then(() => {
      if (!chart.listening) {
        chart.on("plotly_click", reportClick);
        chart.listening = true;
      }
      if (lecture.on) listenForKeys();
    });
  }
  tell("streamlit:setFrameHeight", { height: windowHeight(args) });
});

tell("streamlit:componentReady", { apiVersion: 1 });
