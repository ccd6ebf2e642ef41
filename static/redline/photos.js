// Photos are made smaller on the phone before they are queued or sent (issue 20, offline capture): a large
// photo is redrawn on a canvas with its long side at most 1920 px as a JPEG of quality 0.8, which keeps a
// day's evidence in the phone's storage and sends it over a weak signal. The redrawn photo has no EXIF, so
// the time it was taken and its GPS position are read from the original first and sent as form fields
// (`taken_at`, and `lat`/`lng` unless the phone's position was already given), kept on the evidence record.
(function () {
  "use strict";
  var LONG_SIDE = 1920;
  var QUALITY = 0.8;
  var SMALL_ENOUGH = 500 * 1024;  // a photo this small and within the size is sent as it is
  var FORMS = "form[data-photo-form], form[data-offline-queue]";

  // --- EXIF: DateTimeOriginal and the GPS position of a JPEG, read from its APP1 segment -------------
  function exifOf(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) { return {}; }
    var offset = 2;
    while (offset + 4 < view.byteLength) {
      var marker = view.getUint16(offset);
      var size = view.getUint16(offset + 2);
      if (marker === 0xffe1 && view.getUint32(offset + 4) === 0x45786966) { return tiff(view, offset + 10); }
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) { break; }
      offset += 2 + size;
    }
    return {};
  }
  function tiff(view, start) {
    var little = view.getUint16(start) === 0x4949;
    var u16 = function (at) { return view.getUint16(start + at, little); };
    var u32 = function (at) { return view.getUint32(start + at, little); };
    function entries(ifd) {
      var found = {};
      if (!ifd || start + ifd + 2 > view.byteLength) { return found; }
      var count = u16(ifd);
      for (var i = 0; i < count; i++) {
        var at = ifd + 2 + i * 12;
        if (start + at + 12 > view.byteLength) { break; }
        found[u16(at)] = { type: u16(at + 2), count: u32(at + 4), value: at + 8 };
      }
      return found;
    }
    function ascii(entry) {
      var at = entry.count > 4 ? u32(entry.value) : entry.value;
      var out = "";
      for (var i = 0; i < entry.count - 1 && start + at + i < view.byteLength; i++) {
        out += String.fromCharCode(view.getUint8(start + at + i));
      }
      return out;
    }
    function degrees(entry) {
      var at = u32(entry.value), parts = [];
      for (var i = 0; i < 3; i++) { parts.push(u32(at + i * 8) / (u32(at + i * 8 + 4) || 1)); }
      return parts[0] + parts[1] / 60 + parts[2] / 3600;
    }
    var ifd0 = entries(u32(4));
    var result = {};
    var exif = ifd0[0x8769] ? entries(u32(ifd0[0x8769].value)) : {};
    var stamp = exif[0x9003] || exif[0x9004] || ifd0[0x0132];
    if (stamp) {
      // "YYYY:MM:DD HH:MM:SS", the camera's local time: sent as such, the server reads it in local time.
      var m = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(ascii(stamp));
      if (m) { result.takenAt = m[1] + "-" + m[2] + "-" + m[3] + "T" + m[4] + ":" + m[5] + ":" + m[6]; }
    }
    var gps = ifd0[0x8825] ? entries(u32(ifd0[0x8825].value)) : {};
    if (gps[2] && gps[4]) {
      var lat = degrees(gps[2]), lng = degrees(gps[4]);
      if (gps[1] && ascii(gps[1]) === "S") { lat = -lat; }
      if (gps[3] && ascii(gps[3]) === "W") { lng = -lng; }
      if (isFinite(lat) && isFinite(lng)) { result.lat = lat.toFixed(6); result.lng = lng.toFixed(6); }
    }
    return result;
  }

  // --- Redrawing -----------------------------------------------------------------------------------
  function shrink(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.size <= SMALL_ENOUGH) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg", lastModified: file.lastModified }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });  // not decodable here: the server judges it as it is
  }
  function prepare(file) {
    if (!/^image\/(jpeg|png)$/.test(file.type)) { return Promise.resolve({ file: file, exif: {} }); }
    return file.arrayBuffer().then(function (buffer) {
      var exif = file.type === "image/jpeg" ? exifOf(buffer) : {};
      return shrink(file).then(function (small) { return { file: small, exif: exif }; });
    });
  }

  function hidden(form, name) {
    var input = form.querySelector("input[type=hidden][name=" + name + "][data-photo-meta]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.dataset.photoMeta = "";
      form.appendChild(input);
    }
    return input;
  }
  function record(form, results) {
    // One `taken_at` per photo, in the photos' order; the first photo's position when the phone gave none.
    form.querySelectorAll("input[data-photo-meta][name=taken_at]").forEach(function (el) { el.remove(); });
    results.forEach(function (r) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "taken_at";
      input.value = r.exif.takenAt || "";
      input.dataset.photoMeta = "";
      form.appendChild(input);
    });
    var located = results.filter(function (r) { return r.exif.lat; })[0];
    var lat = form.querySelector("input[name=lat]");
    if (located && !(lat && lat.value)) {
      hidden(form, "lat").value = located.exif.lat;
      hidden(form, "lng").value = located.exif.lng;
    }
  }

  window.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files || !input.files.length) { return; }
    var form = input.closest(FORMS);
    if (!form || input.dataset.prepared === "1") { input.dataset.prepared = ""; return; }
    // Held back until the photos are ready; then the same change goes on to the page's own handlers.
    event.stopImmediatePropagation();
    form.dataset.preparing = "1";
    Promise.all(Array.prototype.map.call(input.files, prepare)).then(function (results) {
      var list = new DataTransfer();
      results.forEach(function (r) { list.items.add(r.file); });
      input.files = list.files;
      record(form, results);
    }).catch(function () { /* the photos stay as chosen */ }).then(function () {
      delete form.dataset.preparing;
      input.dataset.prepared = "1";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }, true);

  // A form sent while its photos are still being prepared waits for them.
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(FORMS) || !form.dataset.preparing) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    var wait = window.setInterval(function () {
      if (!form.dataset.preparing) { window.clearInterval(wait); form.requestSubmit(event.submitter || undefined); }
    }, 100);
  }, true);
})();
