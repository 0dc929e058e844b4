"""The advisor console's pages: plain HTML, CSS and JavaScript (RTCPeerConnection, getUserMedia),
no plug-in, nothing from outside. Values from kiosks (station, topic) are set with textContent."""

from __future__ import annotations

from datetime import datetime
from html import escape

from central.callbacks import NOTE_MAX, STATUS_NAMES, CallbackRow, local
from central.consult import OUTCOMES
from central.staff_pages import CSS as STAFF_CSS
from central.staff_pages import page
from kiosk.domain.privacy import mask_phone

CSS = STAFF_CSS + """
.adv{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:16px;padding:14px 18px;align-items:start}
.status{display:flex;gap:10px;flex-wrap:wrap;margin-bottom:12px}
.status button{flex:1 1 120px;min-height:60px;font-size:22px;font-weight:700;border-radius:12px;border:2px solid #0b4f8a;
 background:#fff;color:#0b4f8a;cursor:pointer;font-family:inherit}
.status button.on{background:#0b4f8a;color:#fff}
.status button#s-break.on{background:#d98a00;border-color:#d98a00}
.stage{position:relative;background:#10161f;border-radius:14px;aspect-ratio:4/3;overflow:hidden;
 max-height:calc(100vh - 330px);width:100%}
#msg{margin:0 0 10px;min-height:0}
#msg:empty{display:none}
.stage video#remote{width:100%;height:100%;object-fit:contain;background:#10161f}
.stage video#local{position:absolute;right:12px;bottom:12px;width:24%;border:2px solid #fff;border-radius:8px;
 background:#222;transform:scaleX(-1)}
.stage .idle{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;color:#aab6c5;font-size:24px;
 text-align:center;padding:20px}
.callbar{display:flex;align-items:center;gap:14px;margin-top:12px;flex-wrap:wrap}
.callbar .who{font-size:21px;font-weight:700}
.callbar .timer{font-size:26px;font-variant-numeric:tabular-nums;color:#0b4f8a;font-weight:700}
.callbar .net{font-size:17px;color:#5a6878}
.callbar button.mute{margin-left:auto;background:#5a6878;min-width:110px}
.callbar button.mute.on{background:#d98a00}
.callbar button{min-height:60px;min-width:150px;font-size:22px;font-weight:700;border:none;border-radius:12px;
 color:#fff;background:#b03a2e;cursor:pointer;font-family:inherit}
.callbar button:disabled{background:#c5ccd5}
.wl{width:100%;border-collapse:collapse}
.wl td,.wl th{border:none;border-top:1px solid #e3e8ef;padding:8px 6px;text-align:left;white-space:normal;font-size:18px}
.wl th{background:none;color:#5a6878;font-weight:400;font-size:16px;white-space:nowrap}
.wl td.w{white-space:nowrap}
.wl button:disabled{border-color:#c5ccd5;color:#9aa5b1;cursor:not-allowed}
.wl td:last-child{width:1%;text-align:right}
.wl td.none{width:auto;text-align:left}
.wl button{white-space:nowrap;min-height:46px;font-size:18px;padding:6px 14px;border-radius:10px;border:1px solid #1b8a3a;background:#fff;
 color:#1b8a3a;cursor:pointer;font-family:inherit}
#b-next{width:100%;min-height:70px;font-size:25px;font-weight:700;border:none;border-radius:14px;background:#1b8a3a;color:#fff;
 cursor:pointer;font-family:inherit;margin-bottom:10px}
#b-next:disabled{background:#c5ccd5}
.outcome label{display:block;font-size:18px;margin:10px 0 4px}
.outcome select,.outcome textarea{width:100%;font-size:19px;padding:8px 10px;border:1px solid #b8c4d2;border-radius:10px;
 font-family:inherit}
.outcome textarea{min-height:80px}
.outcome button{margin-top:12px;min-height:54px;width:100%;font-size:21px;border:none;border-radius:12px;background:#0b4f8a;
 color:#fff;cursor:pointer;font-family:inherit}
#local{display:none}
#local.on{display:block}
@media (max-width:980px){.adv{grid-template-columns:1fr}.adv section:last-child{order:-1}}
header a .count{display:inline-block;min-width:26px;margin-left:6px;padding:0 7px;border-radius:13px;background:#d98a00;
 font-weight:700;text-align:center}
header a .count:empty{display:none}
.cb{padding:14px 18px;display:grid;gap:16px}
.cb h2 small{font-weight:400;color:#5a6878;font-size:17px}
.cb .wl td{vertical-align:middle}
.cb .wl td.st{min-width:7em}
.cb .wl td.tp{white-space:nowrap}
.cb .wl td:last-child{width:auto;text-align:left}
.cb .phone{font-size:24px;font-weight:700;letter-spacing:1px;color:#0b4f8a;text-decoration:none;white-space:nowrap}
@media (max-width:900px){.cb .phone{font-size:21px;letter-spacing:0}.cb .wl td,.cb .wl th{padding:8px 4px}}
.cb .ref{color:#5a6878;font-size:16px;white-space:nowrap}
.cb form.act{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:0}
.cb form.act input{flex:1 1 150px;min-height:46px;font-size:17px;padding:6px 10px;border:1px solid #b8c4d2;border-radius:10px;
 font-family:inherit}
.cb form.act button.unreach{border-color:#b03a2e;color:#b03a2e}
.cb form.act button.done{background:#1b8a3a;color:#fff}
.badge.st-done{background:#d3f3dc;color:#17672f}
.badge.st-unreachable{background:#fde2c8;color:#9a4a00}
.cb #msg{margin:0;min-height:0;padding:10px 14px;border-radius:10px;font-size:19px}
"""


def advisor_page(title: str, body: str, *, head: str = "") -> str:
    return page(title, body, head=head).replace(f"<style>{STAFF_CSS}</style>", f"<style>{CSS}</style>")


def login_page(*, login: str = "", error: str = "") -> str:
    err = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    body = f"""<header><span class="brand">津彩e就业 · 远程视频咨询 · 顾问工作台</span></header>
<div class="narrow"><div class="card">
<h2>顾问登录</h2>{err}
<form class="form" method="post" action="/advisor/login" autocomplete="off">
<label for="login">账号</label>
<input name="login" id="login" required maxlength="40" value="{escape(login)}">
<label for="password">密码</label>
<input name="password" id="password" type="password" required maxlength="200">
<button type="submit" id="do-login">登录</button>
</form></div>
<p class="note">登录后请允许浏览器使用摄像头和麦克风。</p></div>"""
    return advisor_page("顾问登录 · 津彩e就业", body)


CONSOLE_JS = r"""
(function(){
'use strict';
var CSRF=document.querySelector('meta[name=csrf]').content;
var ICE=JSON.parse(document.querySelector('meta[name=ice]').content||'[]');
var OUTCOMES=JSON.parse(document.querySelector('meta[name=outcomes]').content);
var state=null,call=null,pc=null,pcGen=0,answering=false,localStream=null,timerStart=null,lastCallId=null;
var T=window.__consult={framesRendered:0,audioPackets:0,videoPackets:0,state:'idle',errors:[]};
function $(id){return document.getElementById(id);}
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(cls)e.className=cls;return e;}
function msg(t,kind){var m=$('msg');m.textContent=t||'';m.className=kind||'';}
function api(path,body){
 return fetch('/advisor/api/'+path,{method:body===undefined?'GET':'POST',credentials:'same-origin',
  headers:{'Content-Type':'application/json','X-CSRF-Token':CSRF},body:body===undefined?undefined:JSON.stringify(body)})
 .then(function(r){if(r.status===401){location.href='/advisor/login?expired=1';throw new Error('login');}
  return r.json().then(function(j){j._status=r.status;return j;});});}
function fmt(s){s=Math.max(0,Math.floor(s));var m=Math.floor(s/60),x=s%60;return (m<10?'0':'')+m+':'+(x<10?'0':'')+x;}
function waited(s){return s<60?s+' 秒':Math.floor(s/60)+' 分 '+(s%60)+' 秒';}
function render(){
 if(!state)return;
 ['available','busy','break'].forEach(function(k){$('s-'+k).classList.toggle('on',state.status===k);});
 $('cb-count').textContent=state.callbacks_open?String(state.callbacks_open):'';
 var wl=$('waiting');wl.textContent='';
 var rows=state.waiting||[];
 $('wcount').textContent=rows.length?('（'+rows.length+' 人）'):'';
 if(!rows.length){var tr=el('tr');var td=el('td','目前没有居民在等候','none');td.colSpan=4;tr.appendChild(td);wl.appendChild(tr);}
 rows.forEach(function(r){var tr=el('tr');tr.appendChild(el('td',r.station));tr.appendChild(el('td',r.topic+(r.identified?' · 已核验身份':'')));
  tr.appendChild(el('td',waited(r.waiting_s),'w'));var td=el('td');var b=el('button','接听');b.type='button';b.disabled=!!call||state.status==='break';
  b.addEventListener('click',function(){accept(r.id);});td.appendChild(b);tr.appendChild(td);wl.appendChild(tr);});
 $('b-next').disabled=!!call||!rows.length||state.status==='break';
 $('b-end').disabled=!call;$('b-mute').disabled=!call;
 var c=call;
 $('who').textContent=c?(c.station+' · '+c.topic):'';
 var idle=$('idle');
 if(!c){idle.style.display='flex';idle.textContent=state.status==='break'?'小休中：居民看不到您在线':'接听后，居民的画面显示在这里';}
 else if(c.state==='connected'&&T.framesRendered>0){idle.style.display='none';if($('msg').className==='ok'&&$('msg').textContent.indexOf('正在连接')>=0)msg('');}
 else{idle.style.display='flex';idle.textContent=c.state==='accepted'?'正在等待居民端连接…':'正在建立视频连接…';}
}
T.sample=function(){if(!pc)return Promise.resolve(T);return pc.getStats().then(function(st){st.forEach(function(s){
 if(s.type==='inbound-rtp'){if(s.kind==='audio'){T.audioPackets=s.packetsReceived||0;T.audioEnergy=s.totalAudioEnergy||0;}if(s.kind==='video')T.videoPackets=s.packetsReceived||0;}});
 return T;});};
function tick(){
 $('timer').textContent=timerStart?fmt((Date.now()-timerStart)/1000):'00:00';
 if(pc&&call){pc.getStats().then(function(st){var rtt=null,lost=0,recv=0;st.forEach(function(s){
   if(s.type==='inbound-rtp'){if(s.kind==='audio')T.audioPackets=s.packetsReceived||0;if(s.kind==='video')T.videoPackets=s.packetsReceived||0;
    lost+=s.packetsLost||0;recv+=s.packetsReceived||0;}
   if(s.type==='candidate-pair'&&s.state==='succeeded'&&s.currentRoundTripTime!=null)rtt=s.currentRoundTripTime*1000;});
  var loss=recv?100*lost/(lost+recv):0;
  $('net').textContent='网络：'+(rtt==null?'—':(rtt>400||loss>8?'差':rtt>150||loss>2?'一般':'好'))+(rtt!=null?'（往返 '+Math.round(rtt)+' ms）':'');}).catch(function(){});}
}
function poll(){
 api('state').then(function(j){state=j;$('offline').style.display='none';
  var prev=call;call=j.call;
  if(call&&call.id!==lastCallId){lastCallId=call.id;pcGen=0;T.framesRendered=0;showOutcome(false);}
  if(prev&&!call&&j.last&&j.last.id===prev.id){ended(j.last);}
  if(call&&call.offer_gen>pcGen&&!answering){answer(call);}
  if(call&&call.state==='connected'&&!timerStart&&call.connected_at)timerStart=Date.parse(call.connected_at);
  if(call)T.state=call.state;else if(T.state!=='ended')T.state='idle';
  render();}).catch(function(e){if(e.message!=='login')$('offline').style.display='block';})
 .then(function(){setTimeout(poll,700);});
}
var endedShown=null;
function ended(last){
 if(endedShown===last.id)return;endedShown=last.id;
 closePc();$('net').textContent='';setMuted(false);timerStart=null;T.state='ended';T.endedReason=last.reason;
 var why={hung_up:'居民已挂断',advisor_ended:'通话已结束',advisor_left:'通话已结束',kiosk_left:'居民端已断开',
  dropped:'网络中断，通话结束',bad_sdp:'连接失败，通话结束',cancelled:'居民已取消'}[last.reason]||'通话已结束';
 msg(why+'。请记录咨询结果。','ok');
 if(!last.outcome){showOutcome(true,last.id);}
}
var muted=false;
function setMuted(m){muted=m;if(localStream)localStream.getAudioTracks().forEach(function(t){t.enabled=!m;});
 $('b-mute').textContent=m?'取消静音':'静音';$('b-mute').classList.toggle('on',m);}
function showOutcome(on,id){$('outcome').style.display=on?'block':'none';if(id)$('outcome').dataset.id=id;}
function closePc(){if(pc){try{pc.close();}catch(e){}pc=null;}$('remote').srcObject=null;}
function media(){
 if(localStream)return Promise.resolve(localStream);
 return navigator.mediaDevices.getUserMedia({video:{width:640,height:480},audio:true}).then(function(s){localStream=s;$('local').srcObject=s;$('local').classList.add('on');return s;});
}
function countFrames(v){
 if(!v.requestVideoFrameCallback)return;
 var cb=function(){T.framesRendered++;if(T.framesRendered===1)render();v.requestVideoFrameCallback(cb);};v.requestVideoFrameCallback(cb);
}
function answer(c){
 answering=true;var gen=c.offer_gen;
 api('calls/'+c.id+'/offer').then(function(o){
  if(!o.sdp||o.offer_gen!==gen)throw new Error('no offer');
  return media().then(function(stream){
   closePc();var p=pc=new RTCPeerConnection({iceServers:ICE});pcGen=gen;
   stream.getTracks().forEach(function(t){p.addTrack(t,stream);});
   p.ontrack=function(ev){if(ev.track.kind==='video'){var v=$('remote');v.srcObject=ev.streams[0]||new MediaStream([ev.track]);}};
   p.onconnectionstatechange=function(){T.pcState=p.connectionState;};
   return p.setRemoteDescription({type:'offer',sdp:o.sdp}).then(function(){return p.createAnswer();})
   .then(function(a){return p.setLocalDescription(a);})
   .then(function(){return new Promise(function(res){if(p.iceGatheringState==='complete')return res();
     var t=setTimeout(res,3000);p.onicegatheringstatechange=function(){if(p.iceGatheringState==='complete'){clearTimeout(t);res();}};});})
   .then(function(){return api('calls/'+c.id+'/answer',{sdp:p.localDescription.sdp,generation:gen});});
  });
 }).then(function(r){if(r&&r._status>=400)msg(r.message||'应答失败','err');})
 .catch(function(e){T.errors.push(String(e));msg('视频连接失败：'+e,'err');})
 .then(function(){answering=false;});
}
function accept(id){api('accept',id?{request_id:id}:{}).then(function(r){if(r._status>=400){msg(r.message,'err');return;}
 msg('已接听，正在连接…','ok');media().catch(function(e){msg('无法打开摄像头或麦克风：'+e,'err');});state=r.state;call=r.state.call;render();});}
function setStatus(s){api('status',{status:s}).then(function(r){if(r._status>=400)msg(r.message,'err');else{state=r.state;render();}});}
function endCall(){if(!call)return;var id=call.id;api('calls/'+id+'/end',{}).then(function(r){
 if(r._status>=400){msg(r.message,'err');return;}call=null;ended({id:id,reason:'advisor_ended'});state=r.state;render();});}
$('b-next').addEventListener('click',function(){accept(null);});
$('b-end').addEventListener('click',endCall);
$('b-mute').addEventListener('click',function(){setMuted(!muted);});
['available','busy','break'].forEach(function(k){$('s-'+k).addEventListener('click',function(){setStatus(k);});});
$('save-outcome').addEventListener('click',function(){var id=$('outcome').dataset.id;
 api('calls/'+id+'/outcome',{outcome:$('oc').value,note:$('note').value}).then(function(r){
  if(r._status>=400){msg(r.message,'err');return;}msg('已记录咨询结果','ok');showOutcome(false);$('note').value='';});});
window.addEventListener('pagehide',function(){navigator.sendBeacon('/advisor/api/leave',new Blob([JSON.stringify({csrf:CSRF})],{type:'application/json'}));});
var sel=$('oc');Object.keys(OUTCOMES).forEach(function(k){var o=el('option',OUTCOMES[k]);o.value=k;sel.appendChild(o);});
countFrames($('remote'));
setInterval(tick,1000);poll();
})();
"""


def console_page(*, name: str, pool: str, csrf: str, ice_json: str, outcomes_json: str) -> str:
    body = f"""<div id="offline" role="alert">与中心服务器的连接断开了，正在重新连接…</div>
<header><span class="brand">津彩e就业 · 远程视频咨询</span>
<span class="where">顾问 <b>{escape(name)}</b> · 咨询组 {escape(pool)}</span>
<span class="who"><a href="/advisor/callbacks" target="_blank" rel="noopener" id="callbacks-link">回电申请<span id="cb-count" class="count"></span></a>
<form method="post" action="/advisor/logout" style="margin:0"><input type="hidden" name="csrf" value="{escape(csrf)}">
<button class="link" type="submit">退出</button></form></span></header>
<div class="adv">
<section>
 <div class="status" role="group" aria-label="我的状态">
  <button id="s-available" type="button">空闲（可接听）</button><button id="s-busy" type="button">忙碌</button>
  <button id="s-break" type="button">小休</button></div>
 <div id="msg" role="status"></div>
 <div class="stage"><video id="remote" autoplay playsinline></video><div id="idle" class="idle">正在加载…</div>
  <video id="local" autoplay playsinline muted></video></div>
 <div class="callbar"><span id="who" class="who"></span><span id="timer" class="timer">00:00</span><span id="net" class="net"></span>
  <button id="b-mute" type="button" class="mute" disabled>静音</button>
  <button id="b-end" type="button" disabled>结束通话</button></div>
</section>
<section>
 <div class="card"><button id="b-next" type="button" disabled>接听下一位</button>
  <h2>等候中的居民<span id="wcount"></span></h2>
  <table class="wl"><thead><tr><th>驿站</th><th>咨询事项</th><th>已等候</th><th></th></tr></thead><tbody id="waiting"></tbody></table></div>
 <div class="card outcome" id="outcome" style="display:none;margin-top:16px"><h2>咨询结果</h2>
  <label for="oc">结果</label><select id="oc"></select>
  <label for="note">备注（不要填写居民的身份证号、电话等个人信息）</label><textarea id="note" maxlength="500"></textarea>
  <button id="save-outcome" type="button">保存</button></div>
</section>
</div>
<script>{CONSOLE_JS}</script>"""
    head = (f'<meta name="csrf" content="{escape(csrf)}"><meta name="ice" content="{escape(ice_json)}">'
            f'<meta name="outcomes" content="{escape(outcomes_json)}">')
    return advisor_page(f"顾问工作台 · {name}", body, head=head)


def _when(at: datetime) -> str:
    return local(at).strftime("%m-%d %H:%M")


def _phone(digits: str) -> str:
    return f"{digits[:3]} {digits[3:7]} {digits[7:]}"


def callbacks_page(*, name: str, pool: str, csrf: str, open_rows: list[CallbackRow], closed: list[CallbackRow],
                   stations: dict[str, str], message: str = "", error: str = "") -> str:
    """回电申请: the pool's open call-back requests, oldest first, each with the number to dial and
    the two outcomes; below, those handled today (the number masked: nobody needs it any more)."""
    tok = escape(csrf)
    rows = []
    for r in open_rows:
        rows.append(f"""<tr id="cb-{escape(r.id)}"><td class="w">{_when(r.requested_at)}</td>
<td class="st">{escape(stations.get(r.station_id, r.station_id))}</td><td class="tp">{escape(r.topic)}</td>
<td><a class="phone" href="tel:{escape(r.phone)}">{escape(_phone(r.phone))}</a><div class="ref">{escape(r.reference)}</div></td>
<td><form class="act" method="post" action="/advisor/callbacks/{escape(r.id)}">
<input type="hidden" name="csrf" value="{tok}">
<input name="note" maxlength="{NOTE_MAX}" placeholder="备注（联系不上时必填）" aria-label="备注">
<button type="submit" name="action" value="done" class="done">已回电</button>
<button type="submit" name="action" value="unreachable" class="unreach">联系不上</button></form></td></tr>""")
    if not rows:
        rows.append('<tr><td class="none" colspan="5">目前没有待回电的申请</td></tr>')
    done = []
    for r in closed:
        done.append(f"""<tr><td class="w">{_when(r.handled_at) if r.handled_at else ""}</td>
<td class="st">{escape(stations.get(r.station_id, r.station_id))}</td><td class="tp">{escape(r.topic)}</td>
<td class="w">{escape(mask_phone(r.phone))}<div class="ref">{escape(r.reference)}</div></td>
<td><span class="badge st-{escape(r.status)}">{escape(STATUS_NAMES[r.status])}</span> {escape(r.advisor_name)}
{f'<div class="ref">{escape(r.note)}</div>' if r.note else ""}</td></tr>""")
    if not done:
        done.append('<tr><td class="none" colspan="5">今天还没有处理过的申请</td></tr>')
    note = (f'<div id="msg" class="ok" role="status">{escape(message)}</div>' if message else
            f'<div id="msg" class="err" role="alert">{escape(error)}</div>' if error else "")
    body = f"""<header><span class="brand">津彩e就业 · 回电申请</span>
<span class="where">顾问 <b>{escape(name)}</b> · 咨询组 {escape(pool)}</span>
<span class="who"><a href="/advisor/callbacks" id="refresh">刷新</a></span></header>
<div class="cb">{note}
<div class="card"><h2>待回电<small>（{len(open_rows)} 条，最早的在前）</small></h2>
<table class="wl"><thead><tr><th>申请时间</th><th>驿站</th><th>咨询事项</th><th>回电号码</th><th></th></tr></thead>
<tbody id="open">{"".join(rows)}</tbody></table>
<p class="note">请拨打上面的号码。号码只用于给居民回电，不要抄录或转给他人；备注里不要写居民的电话、身份证号。</p></div>
<div class="card"><h2>今天已处理<small>（{len(closed)} 条）</small></h2>
<table class="wl"><thead><tr><th>处理时间</th><th>驿站</th><th>咨询事项</th><th>号码</th><th>结果</th></tr></thead>
<tbody id="closed">{"".join(done)}</tbody></table></div>
</div>"""
    return advisor_page(f"回电申请 · {name}", body)


__all__ = ["login_page", "console_page", "callbacks_page", "OUTCOMES"]
