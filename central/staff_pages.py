"""The staff console's pages: HTML, CSS and plain JavaScript, no build step, nothing from outside.

Pages are put together with ``html.escape``d values only; the console's script builds its DOM
with ``textContent`` (ticket numbers and service codes come from kiosks and are never trusted as
HTML).
"""

from __future__ import annotations

from datetime import UTC
from html import escape

CSS = """
*{box-sizing:border-box}
html,body{margin:0;padding:0}
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei",
 "PingFang SC",sans-serif;background:#eef2f7;color:#1d2733;font-size:18px;line-height:1.4}
a{color:#0b5cad}
header{display:flex;flex-wrap:wrap;align-items:center;gap:6px 18px;background:#0b4f8a;color:#fff;padding:10px 18px}
header .brand{font-weight:700;font-size:20px}
header .where{font-size:20px}
header .who{margin-left:auto;display:flex;align-items:center;gap:12px;font-size:18px}
header a,header button.link{color:#fff;font-size:18px;background:none;border:1px solid #ffffff88;border-radius:8px;
 padding:6px 14px;text-decoration:none;cursor:pointer;font-family:inherit}
main{padding:14px 18px;display:grid;grid-template-columns:minmax(0,11fr) minmax(0,9fr);gap:16px;align-items:start}
.card{background:#fff;border-radius:14px;box-shadow:0 1px 3px #0002;padding:14px 18px}
.current{text-align:center;padding:10px 18px 14px;min-height:214px}
.current .label{color:#5a6878;font-size:18px}
.current .number{font-size:84px;font-weight:800;letter-spacing:2px;line-height:1.05;color:#0b4f8a;margin:2px 0}
.current .number.empty{font-size:30px;font-weight:500;color:#8592a3;padding:26px 0}
.current .meta{font-size:20px;color:#333}
#cur-status{margin:4px 0 6px;min-height:28px}
#cur-status .badge{font-size:17px;padding:3px 12px;margin:0 4px}
.badge{display:inline-block;border-radius:6px;padding:1px 8px;font-size:15px;font-weight:700;vertical-align:middle}
.badge.prio{background:#fde2c8;color:#9a4a00}
.badge.st-called{background:#fff1b8;color:#7a5a00}
.badge.st-serving{background:#d3f3dc;color:#17672f}
.badge.mine{background:#dbe9fb;color:#0b4f8a}
.badge.moved{background:#ece3fb;color:#5b3a98}
#msg{min-height:48px;margin:12px 0 0;padding:10px 14px;border-radius:10px;font-size:20px;background:transparent;color:#44505e}
#msg.ok{background:#e3f6e8;color:#17672f}
#msg.err{background:#fde8e8;color:#a01515}
.buttons{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px;margin-top:14px}
.buttons button{min-height:78px;font-size:26px;font-weight:700;border:none;border-radius:14px;color:#fff;cursor:pointer;
 font-family:inherit;box-shadow:0 2px 0 #0003;touch-action:manipulation}
.buttons button:disabled{background:#c5ccd5 !important;color:#eef1f4;box-shadow:none;cursor:not-allowed}
.buttons button:active:not(:disabled){transform:translateY(2px);box-shadow:none}
#b-call{background:#1b8a3a}#b-recall{background:#d98a00}#b-noshow{background:#b03a2e}
#b-start{background:#0b6fc2}#b-finish{background:#0b4f8a}#b-transfer{background:#6b48a8}
.today{display:flex;flex-wrap:wrap;gap:10px;margin-top:14px}
.today div{flex:1 1 90px;background:#fff;border-radius:12px;box-shadow:0 1px 3px #0002;padding:8px 10px;text-align:center}
.today b{display:block;font-size:30px;color:#0b4f8a}
.today span{font-size:16px;color:#5a6878}
h2{font-size:21px;margin:0 0 8px}
.line{border-top:1px solid #e3e8ef;padding:10px 0}
.line:first-of-type{border-top:none}
.line .head{display:flex;align-items:center;gap:10px;font-size:20px;font-weight:700}
.line .head .count{margin-left:auto;font-weight:400;color:#5a6878;white-space:nowrap}
.line.other{opacity:.6}
.chips{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.chip{border:1px solid #c7d3e2;background:#f7f9fc;border-radius:10px;padding:6px 10px;font-size:18px;cursor:pointer;
 font-family:inherit;min-height:44px}
.chip b{font-size:20px;margin-right:4px}
.chip.prio{border-color:#f0a35e;background:#fff6ed}
.none{color:#8592a3;font-size:17px;padding:4px 0}
details{margin-top:14px}
summary{cursor:pointer;font-size:19px;font-weight:700;padding:6px 0}
.checks label{display:inline-flex;align-items:center;gap:8px;margin:6px 14px 6px 0;font-size:19px}
.checks input{width:26px;height:26px;flex:none}
dialog .checks{display:grid;grid-template-columns:repeat(2,minmax(0,1fr))}
dialog .checks p{grid-column:1/-1;margin:0 0 4px}
dialog .checks label{min-height:48px;margin:2px 0}
.noshow{display:flex;align-items:center;gap:10px;padding:6px 0;font-size:19px}
.noshow button,.small{margin-left:auto;font-size:17px;padding:8px 14px;border-radius:10px;border:1px solid #0b5cad;
 background:#fff;color:#0b5cad;cursor:pointer;font-family:inherit;min-height:44px}
dialog{border:none;border-radius:16px;padding:20px 22px;width:min(560px,94vw);box-shadow:0 10px 40px #0005}
dialog::backdrop{background:#0007}
dialog h3{margin:0 0 12px;font-size:24px}
dialog .choices{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:10px}
dialog .choices button{min-height:64px;font-size:22px;border-radius:12px;border:2px solid #6b48a8;background:#fff;
 color:#4b2f80;cursor:pointer;font-family:inherit}
dialog .actions{display:flex;gap:12px;justify-content:flex-end;margin-top:18px}
dialog .actions button{min-height:60px;min-width:130px;font-size:22px;border-radius:12px;border:none;cursor:pointer;
 font-family:inherit}
dialog .actions .ok{background:#0b4f8a;color:#fff}
dialog .actions .cancel{background:#e3e8ef;color:#333}
#offline{display:none;background:#a01515;color:#fff;text-align:center;padding:8px;font-size:19px}
#help:empty{display:none}
#help{margin:0 0 16px}
#help .ask{display:flex;flex-wrap:wrap;align-items:center;gap:12px;background:#c0392b;color:#fff;border-radius:12px;
 padding:12px 18px;margin:0 0 8px;font-size:22px;font-weight:700;animation:pulse 1.2s ease-in-out 3}
#help .ask small{font-weight:400;font-size:18px}
#help .ask button{margin-left:auto;font-size:20px;min-height:52px;padding:8px 20px;border-radius:10px;border:0;
 background:#fff;color:#a01515;font-weight:700;cursor:pointer}
@keyframes pulse{50%{background:#e74c3c}}
@media (max-width:980px){
 main{grid-template-columns:1fr;padding:12px}
 .buttons{grid-template-columns:repeat(2,minmax(0,1fr))}
 .buttons button{min-height:86px;font-size:28px}
 .current .number{font-size:96px}
}
/* login and statistics */
.narrow{max-width:520px;margin:40px auto;padding:0 14px}
.form label{display:block;font-size:19px;margin:14px 0 6px}
.form input,.form select{width:100%;font-size:22px;padding:10px 12px;border:1px solid #b8c4d2;border-radius:10px;
 font-family:inherit;background:#fff;min-height:54px}
.form button{width:100%;margin-top:22px;min-height:64px;font-size:24px;font-weight:700;border:none;border-radius:12px;
 background:#0b4f8a;color:#fff;cursor:pointer;font-family:inherit}
.error{background:#fde8e8;color:#a01515;border-radius:10px;padding:10px 14px;margin-top:14px;font-size:19px}
.stats{display:block;padding:14px 18px}
.filters{display:flex;flex-wrap:wrap;gap:10px 16px;align-items:flex-end;margin-bottom:14px}
.filters label{font-size:17px;display:flex;flex-direction:column;gap:4px}
.filters input,.filters select{font-size:19px;padding:8px 10px;border:1px solid #b8c4d2;border-radius:8px;font-family:inherit;
 min-height:46px}
.filters button,.button{font-size:19px;padding:10px 18px;border-radius:10px;border:none;background:#0b4f8a;color:#fff;
 cursor:pointer;font-family:inherit;text-decoration:none;display:inline-block;min-height:46px}
.button.csv{background:#1b8a3a}
.tablewrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;background:#fff;font-size:17px}
th,td{border:1px solid #d6dde6;padding:7px 9px;text-align:right;white-space:nowrap}
th{background:#e6edf5;text-align:center}
td.t{text-align:left}
tr.total td{font-weight:700;background:#f3f6fa}
.note{color:#5a6878;font-size:16px;margin-top:10px}
.ticket{text-align:center;margin-top:18px}
.ticket .where{color:#5a6878}
.ticket .service{font-size:24px;font-weight:700;margin-top:8px}
.ticket .number{font-size:96px;font-weight:800;color:#0b4f8a;line-height:1.1}
.ticket .line{font-size:24px;margin:8px 0}
.prio-box{margin-top:14px;border-top:1px solid #d6dde6;padding-top:12px}
.prio-box .groups{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:10px;margin:8px 0}
.prio-box .groups button{min-height:56px;font-size:19px;border-radius:10px;border:2px solid #d98a00;background:#fff7ec;
 color:#7a4300;font-family:inherit;cursor:pointer}
.prio-box .groups button[aria-pressed=true]{background:#d98a00;color:#fff}
.prio-box input{width:100%;font-size:19px;padding:10px;border:1px solid #b8c3d0;border-radius:8px;font-family:inherit}
.prio-box .mark{margin-top:10px;min-height:56px;width:100%;font-size:20px;font-weight:700;border:none;border-radius:10px;
 background:#d98a00;color:#fff;font-family:inherit;cursor:pointer}
.prio-box .err{color:#a01515;min-height:24px}
/* 上门/代办 */
.reqs{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:16px;padding:14px 18px}
.req h3{margin:0 0 8px;font-size:22px;display:flex;flex-wrap:wrap;align-items:center;gap:8px}
.req dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0 0 10px;font-size:18px}
.req dt{color:#5a6878}.req dd{margin:0}
.req.closed{opacity:.7}
.req form{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end;margin-top:8px;padding-top:8px;border-top:1px solid #e3e8ef}
.req form label{display:flex;flex-direction:column;font-size:16px;gap:2px}
.req input,.req select{font-size:18px;padding:6px 8px;border:1px solid #b8c4d2;border-radius:8px;min-height:44px;font-family:inherit}
.req button{font-size:19px;padding:8px 18px;border-radius:10px;border:none;color:#fff;cursor:pointer;min-height:48px;font-family:inherit}
.req .b-accept{background:#0b6fc2}.req .b-schedule{background:#1b8a3a}.req .b-done{background:#0b4f8a}.req .b-refuse{background:#b03a2e}
.badge.st-submitted{background:#fff1b8;color:#7a5a00}.badge.st-accepted{background:#dbe9fb;color:#0b4f8a}
.badge.st-scheduled{background:#d3f3dc;color:#17672f}.badge.st-done{background:#e3e8ef;color:#333}
.badge.st-refused{background:#fde8e8;color:#a01515}.badge.st-cancelled{background:#e3e8ef;color:#5a6878}
.flash{margin:14px 18px 0;padding:10px 14px;border-radius:10px;font-size:19px;background:#e3f6e8;color:#17672f}
.flash.err{background:#fde8e8;color:#a01515}
"""


def page(title: str, body: str, *, head: str = "") -> str:
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>{head}
<style>{CSS}</style></head>
<body>{body}</body></html>"""


def login_page(stations: list[tuple[str, str]], *, station: str = "", counter: str = "", name: str = "",
               error: str = "") -> str:
    if 0 < len(stations) <= 300:
        opts = "".join(f'<option value="{escape(sid)}"{" selected" if sid == station else ""}>'
                       f'{escape(sname)}（{escape(sid)}）</option>' for sid, sname in stations)
        admin = f'<option value="-"{" selected" if station == "-" else ""}>区/市管理员（不属于驿站）</option>'
        station_field = (f'<select name="station" id="station" required><option value="">请选择驿站</option>{opts}'
                         f'{admin}</select>')
    else:
        station_field = (f'<input name="station" id="station" required value="{escape(station)}" '
                         f'placeholder="驿站编号（区/市管理员填 -）">')
    err = f'<div class="error" role="alert">{escape(error)}</div>' if error else ""
    body = f"""<header><span class="brand">津彩e就业 · 窗口工作台</span></header>
<div class="narrow"><div class="card">
<h2>工作人员登录</h2>{err}
<form class="form" method="post" action="/staff/login" autocomplete="off">
<label for="station">驿站</label>{station_field}
<label for="counter">窗口号（只用后台时可不填）</label>
<input name="counter" id="counter" maxlength="20" value="{escape(counter)}" inputmode="numeric" placeholder="例如 2">
<label for="name">姓名</label>
<input name="name" id="name" required maxlength="40" value="{escape(name)}">
<label for="password">密码</label>
<input name="password" id="password" type="password" required maxlength="200">
<button type="submit" id="login">登录</button>
</form></div>
<p class="note">本机下次登录会记住驿站和窗口号。忘记密码请联系驿站负责人重新设置。</p></div>
<script>
(function(){{var f=document.querySelector('form');var st=document.getElementById('station'),c=document.getElementById('counter'),
n=document.getElementById('name');try{{if(!st.value&&localStorage.staffStation)st.value=localStorage.staffStation;
if(!c.value&&localStorage.staffCounter)c.value=localStorage.staffCounter;if(!n.value&&localStorage.staffName)n.value=localStorage.staffName;}}catch(e){{}}
(n.value?document.getElementById('password'):n).focus();
f.addEventListener('submit',function(){{try{{localStorage.staffStation=st.value;localStorage.staffCounter=c.value;localStorage.staffName=n.value;}}catch(e){{}}}});}})();
</script>"""
    return page("工作人员登录 · 津彩e就业", body)


CONSOLE_JS = r"""
(function(){
'use strict';
var CSRF=document.querySelector('meta[name=csrf]').content;
var state=null,busy=false,failures=0;
function $(id){return document.getElementById(id);}
function el(tag,attrs){var e=document.createElement(tag);attrs=attrs||{};
 for(var k in attrs){if(k==='text')e.textContent=attrs[k];else if(k==='cls')e.className=attrs[k];
  else if(k.slice(0,2)==='on')e.addEventListener(k.slice(2),attrs[k]);else e.setAttribute(k,attrs[k]);}
 for(var i=2;i<arguments.length;i++){var c=arguments[i];if(c==null)continue;e.appendChild(typeof c==='string'?document.createTextNode(c):c);}
 return e;}
function show(text,kind){var m=$('msg');m.textContent=text||'';m.className=kind||'';}
function render(){
 if(!state)return;renderHelp();var cur=state.current;
 var num=$('cur-number'),meta=$('cur-meta'),st=$('cur-status');
 if(cur){num.textContent=cur.number;num.className='number';
  st.textContent='';st.appendChild(el('span',{cls:'badge st-'+cur.status,text:cur.status_text}));
  if(cur.priority)st.appendChild(el('span',{cls:'badge prio',text:cur.priority_group?'优先·'+cur.priority_group:'优先'}));
  if(cur.transferred)st.appendChild(el('span',{cls:'badge moved',text:'转入'}));
  var parts=[cur.service_name,'已等 '+cur.waited_min+' 分钟'];
  if(cur.status==='called')parts.push('已呼叫 '+(cur.recalls+1)+' 次');
  if(cur.status==='serving'&&cur.serving_min!=null)parts.push('已办理 '+cur.serving_min+' 分钟');
  meta.textContent=parts.join(' · ');
 }else{num.textContent='当前没有号码，请按“叫号”';num.className='number empty';st.textContent='';meta.textContent='';}
 var s=cur?cur.status:null;
 $('b-call').disabled=busy||!!cur;
 $('b-recall').disabled=busy||s!=='called';
 $('b-noshow').disabled=busy||s!=='called';
 $('b-start').disabled=busy||s!=='called';
 $('b-finish').disabled=busy||!cur;
 $('b-transfer').disabled=busy||!cur;
 $('t-issued').textContent=state.today.issued;$('t-waiting').textContent=state.today.waiting;
 $('t-served').textContent=state.today.served;$('t-noshow').textContent=state.today.no_show;
 $('t-mine').textContent=state.counter_today.served;
 var lines=$('lines');lines.textContent='';
 state.lines.forEach(function(l){
  var head=el('div',{cls:'head'},l.name);
  if(l.mine&&state.services.some(function(x){return !x.mine;}))head.appendChild(el('span',{cls:'badge mine',text:'本窗口'}));
  head.appendChild(el('span',{cls:'count',text:l.count+' 人等候'}));
  var chips=el('div',{cls:'chips'});
  if(!l.tickets.length)chips.appendChild(el('div',{cls:'none',text:'没有人等候'}));
  l.tickets.forEach(function(t){
   var c=el('button',{cls:'chip'+(t.priority?' prio':''),type:'button','data-number':t.number,title:'叫到本窗口，或设为优先',
     onclick:function(){askCall(t);}},el('b',{text:t.number}),'已等 '+t.waited_min+' 分');
   if(t.priority)c.appendChild(el('span',{cls:'badge prio',text:t.priority_group?'优先·'+t.priority_group:'优先'}));
   if(t.transferred)c.appendChild(el('span',{cls:'badge moved',text:'转入'}));
   chips.appendChild(c);});
  if(l.count>l.tickets.length)chips.appendChild(el('div',{cls:'none',text:'…还有 '+(l.count-l.tickets.length)+' 人'}));
  lines.appendChild(el('div',{cls:'line'+(l.mine?'':' other')},head,chips));});
 var ns=$('noshows');ns.textContent='';
 if(!state.no_shows.length)ns.appendChild(el('div',{cls:'none',text:'今天还没有过号'}));
 state.no_shows.forEach(function(t){ns.appendChild(el('div',{cls:'noshow'},el('b',{text:t.number}),t.service_name,
  el('button',{type:'button',onclick:function(){act('requeue',{ticket_id:t.id});},text:'恢复排队'})));});
 var box=$('myservices');if(!box.dataset.filled||box.dataset.sig!==sig()){box.textContent='';box.dataset.filled='1';box.dataset.sig=sig();
  state.services.forEach(function(x){var cb=el('input',{type:'checkbox',value:x.code});cb.checked=x.mine;
   cb.addEventListener('change',saveServices);box.appendChild(el('label',{},cb,x.name));});}
}
var helpSeen={};
function ring(){try{var a=new (window.AudioContext||window.webkitAudioContext)();[0,0.35].forEach(function(t){
 var o=a.createOscillator(),g=a.createGain();o.frequency.value=880;o.connect(g);g.connect(a.destination);
 g.gain.setValueAtTime(0.2,a.currentTime+t);o.start(a.currentTime+t);o.stop(a.currentTime+t+0.25);});}catch(e){}}
function renderHelp(){var box=$('help');box.textContent='';var fresh=false;
 (state.help||[]).forEach(function(h){var last=helpSeen[h.id];
  if(last===undefined||h.waited_s-last>=120){helpSeen[h.id]=h.waited_s;fresh=true;}
  var mins=Math.floor(h.waited_s/60);
  box.appendChild(el('div',{cls:'ask','data-help':h.id},'自助终端有居民呼叫工作人员'+(h.elder?'（长辈模式）':''),
   el('small',{text:(h.screen?'在“'+h.screen+'”页面 · ':'')+(mins?'已等 '+mins+' 分钟':'刚刚')}),
   el('button',{type:'button',text:'我马上过去',onclick:function(){act('help-ack',{help_id:h.id});}})));});
 if(fresh)ring();}
function sig(){return state.services.map(function(x){return x.code+(x.mine?'1':'0');}).join(',');}
function saveServices(){var codes=[].slice.call($('myservices').querySelectorAll('input:checked')).map(function(i){return i.value;});
 if(codes.length===state.services.length)codes=[];act('services',{services:codes});}
function refresh(){
 return fetch('api/state',{cache:'no-store',credentials:'same-origin'}).then(function(r){
  if(r.status===401){location.href='login?expired=1';return null;}
  if(!r.ok)throw new Error('HTTP '+r.status);return r.json();}).then(function(d){
  if(!d)return;failures=0;$('offline').style.display='none';if(!busy){state=d;render();}
 }).catch(function(){failures++;if(failures>=2)$('offline').style.display='block';});}
function act(action,body){
 if(busy)return Promise.resolve();busy=true;render();
 var b=body||{};if(state&&state.current&&!b.ticket_id&&action!=='call-next'&&action!=='services'&&action!=='help-ack')b.ticket_id=state.current.id;
 return fetch('api/'+action,{method:'POST',credentials:'same-origin',
   headers:{'Content-Type':'application/json','X-CSRF-Token':CSRF},body:JSON.stringify(b)}).then(function(r){
  if(r.status===401){location.href='login?expired=1';return null;}
  return r.json().then(function(d){show(d.message,r.ok?'ok':'err');if(d.state)state=d.state;});
 }).catch(function(){show('网络连接失败，请稍后再按一次','err');}).then(function(){busy=false;render();});}
function askCall(t){
 var box=el('div',{});
 if(state.current)box.appendChild(el('p',{cls:'note',text:'本窗口还有 '+state.current.number+' 号，办完后才能叫这个号。'}));
 box.appendChild(priorityBox(t));
 openDialog(t.number+' 号 · '+t.service_name,box,state.current?null:function(){act('call',{ticket_id:t.id});},'叫到本窗口');}
function priorityBox(t){
 var box=el('div',{cls:'prio-box',id:'prio-box'});
 if(t.priority_group){box.appendChild(el('p',{text:'已设为优先：'+t.priority_group+(t.priority_note?'（'+t.priority_note+'）':'')}));return box;}
 box.appendChild(el('p',{text:'设为优先办理（排在本业务所有非优先号之前）：'}));
 var chosen=null,groups=el('div',{cls:'groups'}),note=el('input',{id:'prio-note',maxlength:String(state.note_max),
   placeholder:'原因（选“其他”时必填，'+state.note_max+' 字以内）'}),err=el('div',{cls:'err',role:'alert'});
 state.priority_groups.forEach(function(g){groups.appendChild(el('button',{type:'button','data-group':g,'aria-pressed':'false',text:g,
   onclick:function(){chosen=g;err.textContent='';[].forEach.call(groups.children,function(b){b.setAttribute('aria-pressed',String(b.dataset.group===g));});}}));});
 note.addEventListener('input',function(){err.textContent='';});
 box.appendChild(groups);box.appendChild(note);box.appendChild(err);
 box.appendChild(el('button',{type:'button',cls:'mark',id:'prio-mark',text:'设为优先',onclick:function(){
   if(!chosen){err.textContent='请先选择类别';return;}
   if(chosen===state.other_group&&!note.value.trim()){err.textContent='选“其他”时请写明原因';note.focus();return;}
   closeDialog();act('priority',{ticket_id:t.id,group:chosen,note:note.value.trim()});}}));
 return box;}
var dlg,dlgOk;
function openDialog(title,content,onOk,okText){
 dlg=$('dialog');$('dlg-title').textContent=title;var c=$('dlg-body');c.textContent='';if(content)c.appendChild(content);
 dlgOk=onOk;$('dlg-ok').style.display=onOk?'':'none';$('dlg-ok').textContent=okText||'确定';dlg.showModal();}
function closeDialog(){if(dlg&&dlg.open)dlg.close();}
$('dlg-ok').addEventListener('click',function(){var f=dlgOk;closeDialog();if(f)f();});
$('dlg-cancel').addEventListener('click',closeDialog);
$('b-call').addEventListener('click',function(){act('call-next');});
$('b-recall').addEventListener('click',function(){act('recall');});
$('b-noshow').addEventListener('click',function(){act('no-show');});
$('b-start').addEventListener('click',function(){act('start');});
$('b-finish').addEventListener('click',function(){
 var cur=state.current;if(!cur)return;var box=el('div',{cls:'checks'});
 box.appendChild(el('p',{text:'勾选本次办理的业务：'}));
 state.services.forEach(function(x){var cb=el('input',{type:'checkbox',value:x.code,name:'delivered'});cb.checked=x.code===cur.service;
  box.appendChild(el('label',{},cb,x.name));});
 openDialog(cur.number+' 号办理完成',box,function(){
  var codes=[].slice.call(box.querySelectorAll('input:checked')).map(function(i){return i.value;});
  act('finish',{services:codes.length?codes:[cur.service]});},'确认办结');});
$('b-transfer').addEventListener('click',function(){
 var cur=state.current;if(!cur)return;var box=el('div',{cls:'choices'});
 state.services.forEach(function(x){if(x.code===cur.service)return;
  box.appendChild(el('button',{type:'button','data-service':x.code,text:x.name,onclick:function(){closeDialog();act('transfer',{to:x.code});}}));});
 openDialog('把 '+cur.number+' 号转到哪项业务？',box,null);});
document.addEventListener('keydown',function(e){if(dlg&&dlg.open)return;
 var map={F1:'b-call',F2:'b-recall',F3:'b-start',F4:'b-finish'};var id=map[e.key];
 if(id&&!$(id).disabled){e.preventDefault();$(id).click();}});
refresh();setInterval(refresh,2000);
})();
"""


def console_page(*, station_name: str, counter: str, staff_name: str, csrf: str) -> str:
    body = f"""<div id="offline" role="alert">与中心服务器的连接断开了，正在重新连接…</div>
<header><span class="brand">津彩e就业 · 窗口工作台</span>
<span class="where">{escape(station_name)} · <b>{escape(counter)} 号窗口</b></span>
<span class="who"><span>{escape(staff_name)}</span><a href="/staff/appointments">今日预约</a><a href="/staff/interests">后台</a><a href="/staff/requests">上门/代办</a><a href="/staff/stats">统计</a><a href="/staff/ledger">工作量</a>
<form method="post" action="/staff/logout" style="margin:0"><input type="hidden" name="csrf" value="{escape(csrf)}">
<button class="link" type="submit">退出</button></form></span></header>
<main>
<section>
 <div id="help" role="alert"></div>
 <div class="card current" aria-live="polite"><div class="label">本窗口当前号码</div>
  <div id="cur-number" class="number empty">正在加载…</div><div id="cur-status"></div><div id="cur-meta" class="meta"></div></div>
 <div id="msg" role="status"></div>
 <div class="buttons">
  <button id="b-call" type="button" title="F1">叫号</button>
  <button id="b-recall" type="button" title="F2">重呼</button>
  <button id="b-noshow" type="button">过号</button>
  <button id="b-start" type="button" title="F3">开始办理</button>
  <button id="b-finish" type="button" title="F4">办理完成</button>
  <button id="b-transfer" type="button">转其他业务</button>
 </div>
 <div class="today">
  <div><b id="t-issued">0</b><span>今日取号</span></div><div><b id="t-waiting">0</b><span>等候中</span></div>
  <div><b id="t-served">0</b><span>已办结</span></div><div><b id="t-noshow">0</b><span>过号</span></div>
  <div><b id="t-mine">0</b><span>本窗口办结</span></div>
 </div>
</section>
<section>
 <div class="card"><h2>等候队列</h2><div id="lines"></div></div>
 <div class="card" style="margin-top:16px">
  <h2>过号的号码</h2><div id="noshows"></div>
  <details><summary>本窗口办理哪些业务</summary><div id="myservices" class="checks"></div>
  <p class="note">只勾选的业务会叫到本窗口；全部勾选或全不勾选等于办理全部业务。</p></details>
 </div>
</section>
</main>
<dialog id="dialog"><h3 id="dlg-title"></h3><div id="dlg-body"></div>
<div class="actions"><button type="button" class="cancel" id="dlg-cancel">取消</button>
<button type="button" class="ok" id="dlg-ok">确定</button></div></dialog>
<script>{CONSOLE_JS}</script>"""
    return page(f"{counter} 号窗口 · {station_name}", body,
                head=f'<meta name="csrf" content="{escape(csrf)}">')


def _num(v) -> str:  # noqa: ANN001
    return "—" if v is None else str(v)


def stats_page(*, rows, totals: dict, first: str, last: str, station: str, stations: list[tuple[str, str]],
               admin: bool, csv_href: str) -> str:
    if admin:
        opts = '<option value="">全部驿站</option>' + "".join(
            f'<option value="{escape(sid)}"{" selected" if sid == station else ""}>{escape(name)}</option>'
            for sid, name in stations)
        station_field = f'<label>驿站<select name="station">{opts}</select></label>'
    else:
        station_field = ""
    body_rows = "".join(
        f"<tr><td class=t>{escape(r.day.isoformat())}</td><td class=t>{escape(r.station_name)}</td>"
        f"<td class=t>{escape(r.service_name)}</td><td>{r.issued}</td><td>{r.served}</td><td>{r.no_show}</td>"
        f"<td>{r.transferred}</td><td>{_num(r.wait_avg)}</td><td>{_num(r.wait_median)}</td>"
        f"<td>{_num(r.service_avg)}</td><td>{_num(r.service_median)}</td></tr>" for r in rows)
    if rows:
        t = totals
        body_rows += (f"<tr class=total><td class=t colspan=3>合计</td><td>{t['issued']}</td><td>{t['served']}</td>"
                      f"<td>{t['no_show']}</td><td>{t['transferred']}</td><td>{_num(t['wait_avg'])}</td>"
                      f"<td>{_num(t['wait_median'])}</td><td>{_num(t['service_avg'])}</td>"
                      f"<td>{_num(t['service_median'])}</td></tr>")
    else:
        body_rows = '<tr><td class=t colspan=11>这段时间没有取号记录</td></tr>'
    body = f"""<header><span class="brand">津彩e就业 · 业务统计</span>
<span class="who"><a href="/staff/">返回工作台</a></span></header>
<div class="stats">
<form class="filters" method="get" action="/staff/stats">
<label>从<input type="date" name="from" value="{escape(first)}"></label>
<label>到<input type="date" name="to" value="{escape(last)}"></label>{station_field}
<button type="submit">查询</button>
<a class="button csv" id="csv" href="{escape(csv_href)}" download>下载 CSV（Excel 可直接打开）</a>
</form>
<div class="tablewrap"><table id="stats">
<thead><tr><th>日期</th><th>驿站</th><th>业务</th><th>取号</th><th>办结</th><th>过号</th><th>转出</th>
<th>平均等候<br>(分钟)</th><th>等候中位数<br>(分钟)</th><th>平均办理<br>(分钟)</th><th>办理中位数<br>(分钟)</th></tr></thead>
<tbody>{body_rows}</tbody></table></div>
<p class="note">等候：从取号到第一次叫号；办理：从开始办理（未按时从叫号算起）到办理完成。转到其他业务的号在原业务记为“转出”，
在新业务按原取号时间排队，不重复计为取号。每个办结的号都生成一条服务记录（service.rendered）。</p>
</div>"""
    return page("业务统计 · 津彩e就业", body)


def ticket_page(view: dict | None) -> str:
    """The page a ticket's QR opens on the resident's phone: big number, where it stands."""
    if view is None:
        body = '<div class="narrow"><div class="card ticket"><h2>没有找到这张小票</h2>' \
               '<p>它可能不是本市就业驿站打印的，请咨询工作人员。</p></div></div>'
        return page("排队进度 · 津彩e就业", body)
    st, ahead = view["status"], view["people_ahead"]
    if view["stale"]:
        line = "这是以前的号，已经过期。如需办理，请重新取号"
    elif st == "waiting":
        line = "下一个就到您，请留意叫号" if ahead == 0 else f"前面还有 {ahead} 人，请留意叫号"
    elif st == "called":
        line = f"已经叫到，请到 {view['counter']} 号窗口" if view["counter"] else "已经叫到，请到窗口办理"
    elif st == "serving":
        line = "正在办理"
    elif st == "done":
        line = "已经办理完毕"
    elif st == "transferred":
        line = "已转到其他业务，请留意叫号"
    else:
        line = "已过号。请到窗口找工作人员恢复排队"
    prio = '<span class="badge prio">优先</span>' if view["priority"] and st == "waiting" else ""
    body = f"""<header><span class="brand">津彩e就业 · 排队进度</span></header>
<div class="narrow"><div class="card ticket">
<div class="where">{escape(view["station_name"])}</div>
<div class="service">{escape(view["service_name"])} {prio}</div>
<div class="number" id="number">{escape(view["number"])}</div>
<div class="line" id="line">{escape(line)}</div>
<p class="note">本页每 20 秒自动刷新。</p></div></div>"""
    return page(f"{view['number']} · 排队进度", body, head='<meta http-equiv="refresh" content="20">')
def _req_card(r, csrf: str, staff_name: str, can_act: bool = True,  # noqa: ANN001 - a ServiceRequestRow
              station: str = "") -> str:
    from central.service_requests import ACTIONS, KINDS, OPEN, STATUS_NAMES

    d = r.details or {}
    half = "上午" if r.window_half == "am" else "下午"
    rows = [("希望时间", f"{r.window_day:%Y-%m-%d} {half}"), ("姓名", d.get("name") or "（键入身份证号，无姓名）"),
            ("身份证号", d.get("id_number") or ""), ("电话", d.get("phone") or ""),
            ("地址", f"{d.get('street') or ''}{d.get('address_detail') or ''}")]
    if d.get("eligibility") or d.get("aged_60_plus"):
        rows.append(("情况", "、".join((["60岁及以上"] if d.get("aged_60_plus") else []) + list(d.get("eligibility") or []))
                     + ("（请核实）" if d.get("eligibility") else "")))
    if d.get("documents"):
        rows.append(("需交材料", "；".join(d["documents"])))
    from zoneinfo import ZoneInfo

    local = r.created_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    rows.append(("提交时间", f"{local:%Y-%m-%d %H:%M}"))
    if r.scheduled_at:
        rows.append(("安排", f"{r.scheduled_at:%Y-%m-%d %H:%M} · {r.staff}"))
    if r.note:
        rows.append(("备注", r.note))
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows)
    hidden = f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
    action = f"/staff/requests/{escape(r.id)}"
    if station:
        rows.insert(0, ("驿站", station))
    forms = []
    if not can_act:
        pass
    elif r.status in ACTIONS["accept"][0]:
        forms.append(f'<form method="post" action="{action}">{hidden}<input type="hidden" name="action" value="accept">'
                     '<button class="b-accept" type="submit">受理</button></form>')
    if can_act and r.status in ACTIONS["schedule"][0]:
        default_time = (f"{r.scheduled_at:%H:%M}" if r.scheduled_at
                        else "09:30" if r.window_half == "am" else "14:30")
        default_day = (r.scheduled_at.date() if r.scheduled_at else r.window_day).isoformat()
        forms.append(
            f'<form method="post" action="{action}">{hidden}<input type="hidden" name="action" value="schedule">'
            f'<label>日期<input type="date" name="date" required value="{default_day}"></label>'
            f'<label>时间<input type="time" name="time" required value="{default_time}"></label>'
            f'<label>工作人员<input name="staff" maxlength="20" value="{escape(r.staff or staff_name)}"></label>'
            '<label>备注<input name="note" maxlength="60" placeholder="可不填"></label>'
            '<button class="b-schedule" type="submit">安排</button></form>')
    if can_act and r.status in ACTIONS["done"][0]:
        forms.append(f'<form method="post" action="{action}">{hidden}<input type="hidden" name="action" value="done">'
                     '<button class="b-done" type="submit">已完成</button></form>')
    if can_act and r.status in ACTIONS["refuse"][0]:
        forms.append(f'<form method="post" action="{action}">{hidden}<input type="hidden" name="action" value="refuse">'
                     '<label>原因（居民可见）<input name="note" maxlength="60" required></label>'
                     '<button class="b-refuse" type="submit">无法办理</button></form>')
    closed = "" if r.status in OPEN else " closed"
    return (f'<div class="card req{closed}" id="req-{escape(r.reference)}" data-status="{escape(r.status)}">'
            f'<h3>{escape(KINDS.get(r.kind, r.kind))} · {escape(r.reason)}'
            f'<span class="badge st-{escape(r.status)}">{escape(STATUS_NAMES.get(r.status, r.status))}</span>'
            f'<span style="margin-left:auto;font-weight:400">申请号 <b>{escape(r.reference)}</b></span></h3>'
            f'<dl>{dl}</dl>{"".join(forms)}</div>')


def requests_page(*, rows, station_name: str, staff_name: str, csrf: str, message: str = "",
                  error: bool = False, own_station: str | None = None, names: dict[str, str] | None = None) -> str:
    """``own_station``: the signed-in account's station, the only one whose requests it may change
    (None: every row is its own); ``names``: station names, shown on each card when given."""
    cards = "".join(_req_card(r, csrf, staff_name, own_station is None or r.station_id == own_station,
                              (names or {}).get(r.station_id, r.station_id) if names else "")
                    for r in rows) or '<p class="none">还没有上门服务或代理服务的申请。</p>'
    flash = f'<div class="flash{" err" if error else ""}" id="flash" role="status">{escape(message)}</div>' if message else ""
    body = f"""<header><span class="brand">津彩e就业 · 上门服务 / 代理服务</span>
<span class="where">{escape(station_name)}</span>
<span class="who"><span>{escape(staff_name)}</span><a href="/staff/">返回工作台</a></span></header>
{flash}
<div class="reqs" id="requests">{cards}</div>
<p class="note" style="padding:0 18px">状态和安排的时间会同步到驿站自助机的“我的申请”（只显示申请号、状态、时间、工作人员姓氏和备注，不显示居民信息）。
“无法办理”的原因和备注居民能看到，请不要写居民的个人信息。</p>"""
    return page(f"上门/代办 · {station_name}", body)
