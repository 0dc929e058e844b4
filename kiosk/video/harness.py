"""A real advisor in headless Chromium (fake camera and microphone) driving the advisor console:
used by the end-to-end tests and ``bench video``. Needs Debian's chromium and the playwright
package; never downloads a browser."""

from __future__ import annotations

import json
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
#: flags that make a real call work on loopback (docs/DEPLOY.md "Video consultation")
CHROMIUM_ARGS = [
    "--no-sandbox", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
    "--disable-features=WebRtcHideLocalIpsWithMdns", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
]

#: reads the frame number the kiosk's test pattern carries (kiosk/video/media.py draw_code) from
#: each frame the browser renders, and notes the wall-clock time it was shown
LATENCY_PROBE = r"""
(function(bits, block){
 var v=document.getElementById('remote');var c=document.createElement('canvas');c.width=bits*block;c.height=block;
 var g=c.getContext('2d',{willReadFrequently:true});var out=window.__latency=[];
 function cb(now, meta){
  try{ if(v.videoWidth===640){ g.drawImage(v,0,0,bits*block,block,0,0,bits*block,block);
   var d=g.getImageData(0,0,bits*block,block).data,n=0,h=block>>1;
   for(var b=0;b<bits;b++){var i=(h*bits*block+b*block+h)*4;n=(n<<1)|((d[i]+d[i+1]+d[i+2])>381?1:0);}
   out.push([n, performance.timeOrigin+performance.now()]); if(out.length>5000)out.splice(0,1000);} }catch(e){}
  v.requestVideoFrameCallback(cb);}
 v.requestVideoFrameCallback(cb);
})(%d, %d);
"""


def launch(pw, camera_fps: int | None = None):  # noqa: ANN001, ANN201
    """Chromium with the fake camera at ``camera_fps`` (its own default is 20 frames a second)."""
    args = CHROMIUM_ARGS
    if camera_fps:
        fake = "--use-fake-device-for-media-stream"
        args = [f"{fake}=fps={camera_fps}" if a == fake else a for a in args]
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)


def advisor_login(browser, base_url: str, login: str, password: str, *, viewport=(1440, 900)):  # noqa: ANN001, ANN201
    """A new browser context logged in as the advisor, on the console page."""
    ctx = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(base_url + "/advisor/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("#do-login")
    page.wait_for_url(base_url + "/advisor/")
    page.wait_for_function("window.__consult !== undefined")
    return page


def counters(page) -> dict:  # noqa: ANN001
    """The console's own counters: frames rendered (requestVideoFrameCallback), packets received
    (getStats, sampled now), the call's state."""
    return page.evaluate("window.__consult.sample().then(function(t){return JSON.parse(JSON.stringify(t));})")


def install_latency_probe(page) -> None:  # noqa: ANN001
    from kiosk.video.media import CODE_BITS, CODE_BLOCK

    page.evaluate(LATENCY_PROBE % (CODE_BITS, CODE_BLOCK))


def latency_samples(page) -> list[tuple[int, float]]:  # noqa: ANN001
    return [tuple(x) for x in json.loads(page.evaluate("JSON.stringify(window.__latency||[])"))]
