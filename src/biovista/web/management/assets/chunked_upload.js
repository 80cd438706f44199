// Resumable upload from the samples page (biovista.web.management.samples): each chosen
// file is sent in 8 MiB slices PUT at their byte offset to the API's upload sessions,
// signed in by the page's cookies (the X-Biovista-Web header tells the API the call comes
// from our own page). An open session of the same path and size is resumed from the
// server's offset, and a failed chunk is retried after growing pauses.
async function (clicks, project, folder, sample) {
    const CHUNK = 8 * 1024 * 1024;
    const RETRIES = 5;
    let input = document.getElementById("chunked-file");
    if (!input) {  // Dash has no file input: the first (initial) call adds one
        input = document.createElement("input");
        Object.assign(input, {id: "chunked-file", type: "file", multiple: true});
        document.getElementById("chunked-file-slot").appendChild(input);
    }
    const status = document.getElementById("chunked-status");
    const bar = document.getElementById("chunked-progress");
    const base = "/api/v1/projects/" + encodeURIComponent(project) + "/upload-sessions";
    const headers = {"X-Biovista-Web": "1"};
    const show = (text) => { status.textContent = text; };
    const pause = (ms) => new Promise((done) => setTimeout(done, ms));

    async function call(method, url, body, type) {
        const options = {method: method, credentials: "same-origin", headers: {...headers}};
        if (body !== undefined) {
            options.body = body;
            options.headers["Content-Type"] = type;
        }
        const answer = await fetch(url, options);
        const payload = await answer.json().catch(() => ({detail: answer.statusText}));
        return {status: answer.status, payload: payload};
    }

    async function upload(file) {
        const path = (folder ? folder.replace(/\/+$/, "") + "/" : "") + file.name;
        const query = "?path=" + encodeURIComponent(path) + "&size=" + file.size;
        const found = await call("GET", base + query);
        let state = found.status === 200 && found.payload.length ? found.payload[0] : null;
        if (state === null) {
            const body = JSON.stringify({path: path, size: file.size, sample: sample || null});
            const opened = await call("POST", base, body, "application/json");
            if (opened.status !== 201) throw new Error(opened.payload.detail);
            state = opened.payload;
        } else if (state.received > 0) {
            show(file.name + ": resuming at byte " + state.received);
        }
        const url = base + "/" + state.id;
        let failures = 0;
        while (state.status !== "complete") {
            const offset = state.received;
            bar.value = file.size ? offset / file.size : 1;
            let answer = null;
            try {
                const slice = file.slice(offset, offset + CHUNK);
                answer = await call("PUT", url + "?offset=" + offset, slice, "application/octet-stream");
            } catch (error) {
                answer = {status: 0, payload: {detail: String(error)}};
            }
            if (answer.status === 200) {
                state = answer.payload;
                failures = 0;
                show(file.name + ": " + Math.floor(100 * state.received / Math.max(file.size, 1)) + " %");
                continue;
            }
            if (answer.status === 409 && answer.payload.received !== undefined) {
                state.received = answer.payload.received;
                continue;
            }
            if (answer.status !== 0 && answer.status !== 409 && answer.status < 500) {
                throw new Error(answer.payload.detail);
            }
            failures += 1;
            if (failures > RETRIES) {
                throw new Error("stopped at byte " + offset + " (" + answer.payload.detail +
                                "); choose the file again to resume");
            }
            show(file.name + ": connection lost, trying again");
            await pause(500 * 2 ** (failures - 1));
            const again = await call("GET", url).catch(() => null);
            if (again && again.status === 200) state = again.payload;
        }
        bar.value = 1;
        return path + " (" + file.size + " bytes, SHA-256 " + state.sha256.slice(0, 12) + "…)";
    }

    if (!clicks || !input || !input.files.length) {
        return window.dash_clientside.no_update;
    }
    const done = [];
    try {
        for (const file of Array.from(input.files)) {
            done.push(await upload(file));
        }
        show("uploaded " + done.join(", "));
    } catch (error) {
        show("upload failed: " + error.message);
    }
    return status.textContent;
}
