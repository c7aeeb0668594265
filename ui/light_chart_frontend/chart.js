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
    const config = Object.assign({ responsive: true }, args.config);
    Plotly.react(chart, { data: figure.data, layout: layout, frames: figure.frames || [],
                          config: config }).then(() => {
      if (!chart.listening) {
        chart.on("plotly_click", reportClick);
        chart.listening = true;
      }
    });
  }
  tell("streamlit:setFrameHeight", { height: args.height });
});

tell("streamlit:componentReady", { apiVersion: 1 });
