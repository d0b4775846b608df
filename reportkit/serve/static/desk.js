// The desk page's script (served from /static/: the Content-Security-Policy allows no inline script).
(function () {
  var script = document.currentScript;
  var state = document.getElementById("build-state"), bar = document.getElementById("build-bar");
  var running = script.dataset.running === "true";
  function poll() {
    fetch(script.dataset.poll, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      var text = (s.draft ? "【素案】" : "【確定版】") + s.message;
      if (s.state === "running" && s.total) { text += "（" + s.done + " / " + s.total + " 件確認）"; bar.max = s.total; bar.value = s.done; }
      if (s.seconds !== null && s.state !== "running") { text += "（" + s.seconds + " 秒）"; }
      state.textContent = text;
      state.className = "build-" + s.state;
      bar.hidden = s.state !== "running";
      if (s.state === "running") { setTimeout(poll, 700); } else if (running) { location.reload(); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  if (running) { poll(); }
})();
