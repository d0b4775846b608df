// The clerk page's script (served from /static/: the Content-Security-Policy allows no inline script).
(function () {
  var drop = document.getElementById("drop"), input = document.getElementById("file"), chosen = document.getElementById("chosen");
  function show() { chosen.textContent = input.files.length ? "選んだファイル: " + input.files[0].name : ""; }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.style.background = "#e3eefc"; });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.style.background = "#f8fbff"; });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
  });
})();
