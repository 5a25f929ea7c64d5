"use strict";(self.rspackChunkembedkit=self.rspackChunkembedkit||[]).push([[344],{955(e,t,n){let r;n.r(t);var i,o,a=n(336),l=n(550),s=n.n(l);let c=e=>e<.5?4*e*e*e:(e-1)*(2*e-2)*(2*e-2)+1,d=e=>e,u=(e,t)=>{if(e===t)return!0;if(e.length!==t.length)return!1;let n=new Set(e),r=new Set(t);return n.size===r.size&&t.every(e=>n.has(e))},p=(e,t=d)=>{let n=[];for(let r=0;r<e;r++)n.push(t(r,e));return n},h=(e,...t)=>(t.forEach(t=>{let n=Object.keys(t).reduce((e,n)=>(e[n]=Object.getOwnPropertyDescriptor(t,n),e),{});Object.getOwnPropertySymbols(t).forEach(e=>{let r=Object.getOwnPropertyDescriptor(t,e);r?.enumerable&&(n[e]=r)}),Object.defineProperties(e,n)}),e),f=(e,t)=>n=>h(n,{get[e](){return t}}),m=(e=1)=>new Promise(t=>{let n=0,r=()=>requestAnimationFrame(()=>{++n<e?r():t(void 0)});r()}),y=(e,t,n)=>{let r,i=0;n=null===n?t:n;let o=(...t)=>{clearTimeout(r),r=setTimeout(()=>{i>0&&(e(...t),i=0)},n)},a=!1,l=(...n)=>{a?(i++,o(...n)):(e(...n),o(...n),a=!0,i=0,setTimeout(()=>{a=!1},t))};return l.reset=()=>{a=!1},l.cancel=()=>{clearTimeout(r)},l.now=(...t)=>e(...t),l};var g="u">typeof Float32Array?Float32Array:Array;function v(){var e=new g(16);return g!=Float32Array&&(e[1]=0,e[2]=0,e[3]=0,e[4]=0,e[6]=0,e[7]=0,e[8]=0,e[9]=0,e[11]=0,e[12]=0,e[13]=0,e[14]=0),e[0]=1,e[5]=1,e[10]=1,e[15]=1,e}function x(e){var t=new g(16);return t[0]=e[0],t[1]=e[1],t[2]=e[2],t[3]=e[3],t[4]=e[4],t[5]=e[5],t[6]=e[6],t[7]=e[7],t[8]=e[8],t[9]=e[9],t[10]=e[10],t[11]=e[11],t[12]=e[12],t[13]=e[13],t[14]=e[14],t[15]=e[15],t}function w(e,t){var n=t[0],r=t[1],i=t[2],o=t[3],a=t[4],l=t[5],s=t[6],c=t[7],d=t[8],u=t[9],p=t[10],h=t[11],f=t[12],m=t[13],y=t[14],g=t[15],v=n*l-r*a,x=n*s-i*a,w=n*c-o*a,b=r*s-i*l,A=r*c-o*l,S=i*c-o*s,P=d*m-u*f,M=d*y-p*f,E=d*g-h*f,I=u*y-p*m,C=u*g-h*m,R=p*g-h*y,T=v*R-x*C+w*I+b*E-A*M+S*P;return T?(T=1/T,e[0]=(l*R-s*C+c*I)*T,e[1]=(i*C-r*R-o*I)*T,e[2]=(m*S-y*A+g*b)*T,e[3]=(p*A-u*S-h*b)*T,e[4]=(s*E-a*R-c*M)*T,e[5]=(n*R-i*E+o*M)*T,e[6]=(y*w-f*S-g*x)*T,e[7]=(d*S-p*w+h*x)*T,e[8]=(a*C-l*E+c*P)*T,e[9]=(r*E-n*C-o*P)*T,e[10]=(f*A-m*w+g*v)*T,e[11]=(u*w-d*A-h*v)*T,e[12]=(l*M-a*I-s*P)*T,e[13]=(n*I-r*M+i*P)*T,e[14]=(m*x-f*b-y*v)*T,e[15]=(d*b-u*x+p*v)*T,e):null}function b(e,t,n){var r=t[0],i=t[1],o=t[2],a=t[3],l=t[4],s=t[5],c=t[6],d=t[7],u=t[8],p=t[9],h=t[10],f=t[11],m=t[12],y=t[13],g=t[14],v=t[15],x=n[0],w=n[1],b=n[2],A=n[3];return e[0]=x*r+w*l+b*u+A*m,e[1]=x*i+w*s+b*p+A*y,e[2]=x*o+w*c+b*h+A*g,e[3]=x*a+w*d+b*f+A*v,x=n[4],w=n[5],b=n[6],A=n[7],e[4]=x*r+w*l+b*u+A*m,e[5]=x*i+w*s+b*p+A*y,e[6]=x*o+w*c+b*h+A*g,e[7]=x*a+w*d+b*f+A*v,x=n[8],w=n[9],b=n[10],A=n[11],e[8]=x*r+w*l+b*u+A*m,e[9]=x*i+w*s+b*p+A*y,e[10]=x*o+w*c+b*h+A*g,e[11]=x*a+w*d+b*f+A*v,x=n[12],w=n[13],b=n[14],A=n[15],e[12]=x*r+w*l+b*u+A*m,e[13]=x*i+w*s+b*p+A*y,e[14]=x*o+w*c+b*h+A*g,e[15]=x*a+w*d+b*f+A*v,e}function A(e,t){return e[0]=1,e[1]=0,e[2]=0,e[3]=0,e[4]=0,e[5]=1,e[6]=0,e[7]=0,e[8]=0,e[9]=0,e[10]=1,e[11]=0,e[12]=t[0],e[13]=t[1],e[14]=t[2],e[15]=1,e}function S(e,t){return e[0]=t[0],e[1]=0,e[2]=0,e[3]=0,e[4]=0,e[5]=t[1],e[6]=0,e[7]=0,e[8]=0,e[9]=0,e[10]=t[2],e[11]=0,e[12]=0,e[13]=0,e[14]=0,e[15]=1,e}function P(e,t,n){var r=t[0],i=t[1],o=t[2],a=t[3];return e[0]=n[0]*r+n[4]*i+n[8]*o+n[12]*a,e[1]=n[1]*r+n[5]*i+n[9]*o+n[13]*a,e[2]=n[2]*r+n[6]*i+n[10]*o+n[14]*a,e[3]=n[3]*r+n[7]*i+n[11]*o+n[15]*a,e}i=new g(4),g!=Float32Array&&(i[0]=0,i[1]=0,i[2]=0,i[3]=0),o=new g(2),g!=Float32Array&&(o[0]=0,o[1]=0);let M=["pan","rotate"],E={alt:"altKey",cmd:"metaKey",ctrl:"ctrlKey",meta:"metaKey",shift:"shiftKey"};function I(e,t){if(!e)return e;t||(t=e);let n=e,r;do if(r=!1,!n.steiner&&(L(n,n.next)||0===T(n.prev,n,n.next))){if(k(n),(n=t=n.prev)===n.next)break;r=!0}else n=n.next;while(r||n!==t);return t}function C(e,t,n,r,i){return(e=((e=((e=((e=((e=(e-n)*i|0)|e<<8)&0xff00ff)|e<<4)&0xf0f0f0f)|e<<2)&0x33333333)|e<<1)&0x55555555)|(t=((t=((t=((t=((t=(t-r)*i|0)|t<<8)&0xff00ff)|t<<4)&0xf0f0f0f)|t<<2)&0x33333333)|t<<1)&0x55555555)<<1}function R(e,t,n,r,i,o,a,l){return(e!==a||t!==l)&&(i-a)*(t-l)>=(e-a)*(o-l)&&(e-a)*(r-l)>=(n-a)*(t-l)&&(n-a)*(o-l)>=(i-a)*(r-l)}function T(e,t,n){return(t.y-e.y)*(n.x-t.x)-(t.x-e.x)*(n.y-t.y)}function L(e,t){return e.x===t.x&&e.y===t.y}function z(e,t,n,r){let i=D(T(e,t,n)),o=D(T(e,t,r)),a=D(T(n,r,e)),l=D(T(n,r,t));return!!(i!==o&&a!==l||0===i&&B(e,n,t)||0===o&&B(e,r,t)||0===a&&B(n,e,r)||0===l&&B(n,t,r))}function B(e,t,n){return t.x<=Math.max(e.x,n.x)&&t.x>=Math.min(e.x,n.x)&&t.y<=Math.max(e.y,n.y)&&t.y>=Math.min(e.y,n.y)}function D(e){return e>0?1:e<0?-1:0}function $(e,t){return 0>T(e.prev,e,e.next)?T(e,t,e.next)>=0&&T(e,e.prev,t)>=0:0>T(e,t,e.prev)||0>T(e,e.next,t)}function O(e,t,n,r){let i=F(e,t,n);return r?(i.next=r.next,i.prev=r,r.next.prev=i,r.next=i):(i.prev=i,i.next=i),i}function k(e){e.next.prev=e.prev,e.prev.next=e.next,e.prevZ&&(e.prevZ.nextZ=e.nextZ),e.nextZ&&(e.nextZ.prevZ=e.prevZ)}function F(e,t,n){return{i:e,x:t,y:n,prev:null,next:null,z:0,prevZ:null,nextZ:null,steiner:!1}}let N=`
precision mediump float;
varying vec4 color;
void main() {
  gl_FragColor = color;
}`,_=`
uniform mat4 projectionViewModel;
uniform float aspectRatio;

uniform sampler2D colorTex;
uniform float colorTexRes;
uniform float colorTexEps;
uniform float width;
uniform float useOpacity;
uniform float useColorOpacity;
uniform int miter;

attribute vec3 prevPosition;
attribute vec3 currPosition;
attribute vec3 nextPosition;
attribute float opacity;
attribute float offsetScale;
attribute float colorIndex;

varying vec4 color;

void main() {
  vec2 aspectVec = vec2(aspectRatio, 1.0);
  vec4 prevProjected = projectionViewModel * vec4(prevPosition, 1.0);
  vec4 currProjected = projectionViewModel * vec4(currPosition, 1.0);
  vec4 nextProjected = projectionViewModel * vec4(nextPosition, 1.0);

  // get 2D screen space with W divide and aspect correction
  vec2 prevScreen = prevProjected.xy / prevProjected.w * aspectVec;
  vec2 currScreen = currProjected.xy / currProjected.w * aspectVec;
  vec2 nextScreen = nextProjected.xy / nextProjected.w * aspectVec;

  float len = width;

  // starting point uses (next - current)
  vec2 dir = vec2(0.0);
  if (currScreen == prevScreen) {
    dir = normalize(nextScreen - currScreen);
  }
  // ending point uses (current - previous)
  else if (currScreen == nextScreen) {
    dir = normalize(currScreen - prevScreen);
  }
  // somewhere in middle, needs a join
  else {
    // get directions from (C - B) and (B - A)
    vec2 dirA = normalize((currScreen - prevScreen));
    if (miter == 1) {
      vec2 dirB = normalize((nextScreen - currScreen));
      // now compute the miter join normal and length
      vec2 tangent = normalize(dirA + dirB);
      vec2 perp = vec2(-dirA.y, dirA.x);
      vec2 miter = vec2(-tangent.y, tangent.x);
      len = width / dot(miter, perp);
      dir = tangent;
    } else {
      dir = dirA;
    }
  }

  vec2 normal = vec2(-dir.y, dir.x) * len;
  normal.x /= aspectRatio;
  vec4 offset = vec4(normal * offsetScale, 0.0, 0.0);
  gl_Position = currProjected + offset;

  // Get color from texture
  float colorRowIndex = floor((colorIndex + colorTexEps) / colorTexRes);
  vec2 colorTexIndex = vec2(
    (colorIndex / colorTexRes) - colorRowIndex + colorTexEps,
    colorRowIndex / colorTexRes + colorTexEps
  );

  color = texture2D(colorTex, colorTexIndex);
  color.a = useColorOpacity * color.a + useOpacity * opacity;
}`,j=new Float32Array([1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1]),Z=Float32Array.BYTES_PER_ELEMENT,W=e=>e.length>0&&Array.isArray(e[0]),{push:V,splice:q}=Array.prototype;function U(e,t=1,n=1){let r=[],i=Array(2*t);for(let o=0,a=e.length/t;o<a;o++){let a=o*t;for(let r=0;r<t;r++){let o=e[a+r];i[r]=o,i[r+t]=o*n}V.apply(r,i)}return r}function K(e,t,n,r){let i=Array(r),o=t*r;for(let t=0;t<r;t++)i[t]=e[o+t];return q.call(e,n*r,0,...i),e}let G=(e,{projection:t=j,model:n=j,view:r=j,points:i=[],colorIndices:o=[],color:a=[.8,.5,0,1],opacity:l=null,opacities:s=[],width:c=1,widths:d=[],miter:u=!0,is2d:p=!1,zPos2d:h=0}={})=>{let f,m,y,g,v,x,w,A,S,P,M,E,I,C,R,T,L,z;if(!e)return void console.error("Regl instance is undefined.");let B=new Float32Array(16),D=p?2:3,$=()=>+(s.length===m||null!==l),O=()=>{P=e.buffer(),M=e.buffer(),E=e.buffer(),R=e.buffer(),T={prevPosition:{buffer:()=>P,offset:0,stride:3*Z},currPosition:{buffer:()=>P,offset:3*Z*2,stride:3*Z},nextPosition:{buffer:()=>P,offset:3*Z*4,stride:3*Z},opacity:{buffer:()=>M,offset:2*Z,stride:Z},offsetScale:{buffer:()=>E,offset:2*Z,stride:Z},colorIndex:{buffer:()=>R,offset:2*Z,stride:Z}},L=e.elements(),z=e({attributes:T,depth:{enable:!p},blend:{enable:!0,func:{srcRGB:"src alpha",srcAlpha:"one",dstRGB:"one minus src alpha",dstAlpha:"one minus src alpha"}},uniforms:{projectionViewModel:(e,t)=>{let n=e.projection||t.projection,r=e.model||t.model;return b(B,n,b(B,e.view||t.view,r))},aspectRatio:({viewportWidth:e,viewportHeight:t})=>e/t,colorTex:()=>I,colorTexRes:()=>C,colorTexEps:()=>.5/C,pixelRatio:({pixelRatio:e})=>e,width:({pixelRatio:e,viewportHeight:t})=>c/t*e,useOpacity:$,useColorOpacity:()=>Number(!$()),miter:Number(!!u)},elements:()=>L,vert:_,frag:N})},k=()=>{F(),O()},F=()=>{i=[],g=[],v=new Float32Array,A=[],S=[],P.destroy(),E.destroy(),L.destroy()},q=(e,t)=>{let n=t.flat(2);return n.length===m?n:n.length===f?y.flatMap((e,t)=>Array(e).fill(n[t])):e},G=(e=[],{colorIndices:t=o,opacities:n=s,widths:r=d,is2d:a=p}={})=>{i=e,p=a,D=p?2:3,f=W(i)?i.length:1,m=(y=W(i)?i.map(e=>Math.floor(e.length/D)):[Math.floor(i.length/D)]).reduce((e,t)=>e+t,0),o=q(o,t),s=q(s,n),d=q(d,r),i&&m>1?(()=>{1===f&&i.length%D>0&&console.warn(`The length of points (${m}) does not match the dimensions (${D}). Incomplete points are ignored.`),g=i.flat().slice(0,m*D),p&&(g=function(e,t=0){let n=[],r=[,,,].fill(t);for(let t=0,i=e.length/2;t<i;t++){let i=2*t;for(let t=0;t<2;t++)r[t]=e[i+t];V.apply(n,r)}return n}(g,h)),o.length!==m&&(o=Array(m).fill(0)),d.length!==m&&(d=Array(m).fill(1));let e=o.slice(),t=s.length===m?s.slice():Array(m).fill(null===l?1:l),n=d.slice(),r=0;for(let i of y){let o=r+i-1;K(g,o,o,3),K(g,r,r,3),K(e,o,o,1),K(e,r,r,1),K(t,o,o,1),K(t,r,r,1),K(n,o,o,1),K(n,r,r,1),r+=i+2}v=new Float32Array(U(g,3)),x=U(e),w=U(t),A=U(n,1,-1),S=((e,t=[])=>{let n=0;for(let r of e){for(let e=0;e<r-1;e++){let r=n+2*e,i=r+1,o=r+2,a=r+3;t.push(r,i,o,o,i,a)}n+=(r+2)*2}return t})(y),P({usage:"dynamic",type:"float",length:v.length*Z,data:v}),M({usage:"dynamic",type:"float",length:w.length*Z,data:w}),E({usage:"dynamic",type:"float",length:A.length*Z,data:A}),R({usage:"dynamic",type:"float",length:x.length*Z,data:x}),L({primitive:"triangles",usage:"dynamic",type:S.length>65536?"uint32":"uint16",data:S})})():k()},H=()=>{let t=W(a)?a:[a],n=new Uint8Array((C=Math.max(2,Math.ceil(Math.sqrt(t.length))))**2*4);t.forEach((e,t)=>{n[4*t]=Math.min(255,Math.max(0,Math.round(255*e[0]))),n[4*t+1]=Math.min(255,Math.max(0,Math.round(255*e[1]))),n[4*t+2]=Math.min(255,Math.max(0,Math.round(255*e[2]))),n[4*t+3]=Number.isNaN(+e[3])?255:Math.min(255,Math.max(0,Math.round(255*e[3])))}),I=e.texture({data:n,shape:[C,C,4]})};return O(),H(),i&&i.length>1&&G(i),{clear:k,destroy:F,draw:({projection:e,model:o,view:a}={})=>{e&&(t=e),o&&(n=o),a&&(r=a),i&&i.length>1&&z({projection:t,model:n,view:r})},getPoints:()=>i,setPoints:G,getData:()=>({points:v,widths:A,opacities:w,colorIndices:x}),getBuffer:()=>({points:P,widths:E,opacities:M,colorIndices:R}),getStyle:()=>({color:a,miter:u,width:c}),setStyle:({color:e,opacity:t,miter:n,width:r}={})=>{e&&((e,t=l)=>{a=e,l=t,I&&I.destroy(),H()})(e,t||l),n&&(u=!!n),void 0!==r&&Number.isFinite(r)&&(c=r)}}},H=`
precision mediump float;

uniform sampler2D texture;

varying vec2 uv;

void main () {
  gl_FragColor = texture2D(texture, uv);
}
`,Y=`
precision mediump float;

uniform mat4 modelViewProjection;

attribute vec2 position;

varying vec2 uv;

void main () {
  uv = position;
  gl_Position = modelViewProjection * vec4(-1.0 + 2.0 * uv.x, 1.0 - 2.0 * uv.y, 0, 1);
}
`,X="auto",J=0,Q=Float32Array.BYTES_PER_ELEMENT,ee=["OES_texture_float","OES_element_index_uint","WEBGL_color_buffer_float","EXT_float_blend"],et={color:[0,0,0,0],depth:1},en="panZoom",er="lasso",ei="rotate",eo=[en,er,ei],ea={cubicIn:e=>e*e*e,cubicInOut:c,cubicOut:e=>--e*e*e+1,linear:e=>e,quadIn:e=>e*e,quadInOut:e=>e<.5?2*e*e:-1+(4-2*e)*e,quadOut:e=>e*(2-e)},el=c,es="continuous",ec="categorical",ed=[es,ec],eu="deselect",ep="lassoEnd",eh=[eu,ep],ef=[0,.666666667,1,1],em=750,ey=500,eg=100,ev=250,ex="lasso",ew="rotate",eb="merge",eA="remove",eS=[ex,ew,eb,eA],eP="ctrl",eM="meta",eE="shift",eI=["alt","cmd",eP,eM,eE],eC={[eA]:"alt",[ew]:"alt",[ex]:eE,[eb]:"cmd"},eR=[.66,.66,.66,1],eT=[0,.55,1,1],eL=[1,1,1,1],ez=[0,0,0,1],eB=[.66,.66,.66,.2],eD=[0,.55,1,1],e$=[1,1,1,1],eO=[1,1,1,.5],ek=[0,0],eF=new Float32Array([1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1]),eN=[1,1,1,.5],e_=new Set(["z","valueZ","valueA","value1","category"]),ej=new Set(["w","valueW","valueB","value2","value"]),eZ=15e3,eW,eV=Symbol("SKIP_DEPRECATION_VALUE_TRANSLATION"),eq="Points have not been drawn",eU="The instance was already destroyed";var eK=()=>{let e=[Int8Array,Uint8Array,Uint8ClampedArray,Int16Array,Uint16Array,Int32Array,Uint32Array,Float32Array,Float64Array];function t(e,t,r,i){n(e,r,i),n(t,2*r,2*i),n(t,2*r+1,2*i+1)}function n(e,t,n){let r=e[t];e[t]=e[n],e[n]=r}function r(e,t,n,r){let i=e-n,o=t-r;return i*i+o*o}return class n{static from(t){if(!(t instanceof ArrayBuffer))throw Error("Data must be an instance of ArrayBuffer.");let[r,i]=new Uint8Array(t,0,2);if(219!==r)throw Error("Data does not appear to be in a KDBush format.");let o=i>>4;if(1!==o)throw Error(`Got v${o} data when expected v1.`);let a=e[15&i];if(!a)throw Error("Unrecognized array type.");let[l]=new Uint16Array(t,2,1),[s]=new Uint32Array(t,4,1);return new n(s,l,a,t)}constructor(t,n=64,r=Float64Array,i){if(isNaN(t)||t<0)throw Error(`Unexpected numItems value: ${t}.`);this.numItems=+t,this.nodeSize=Math.min(Math.max(+n,2),65535),this.ArrayType=r,this.IndexArrayType=t<65536?Uint16Array:Uint32Array;let o=e.indexOf(this.ArrayType),a=2*t*this.ArrayType.BYTES_PER_ELEMENT,l=t*this.IndexArrayType.BYTES_PER_ELEMENT,s=(8-l%8)%8;if(o<0)throw Error(`Unexpected typed array class: ${r}.`);i&&i instanceof ArrayBuffer?(this.data=i,this.ids=new this.IndexArrayType(this.data,8,t),this.coords=new this.ArrayType(this.data,8+l+s,2*t),this._pos=2*t,this._finished=!0):(this.data=new ArrayBuffer(8+a+l+s),this.ids=new this.IndexArrayType(this.data,8,t),this.coords=new this.ArrayType(this.data,8+l+s,2*t),this._pos=0,this._finished=!1,new Uint8Array(this.data,0,2).set([219,16+o]),new Uint16Array(this.data,2,1)[0]=n,new Uint32Array(this.data,4,1)[0]=t)}add(e,t){let n=this._pos>>1;return this.ids[n]=n,this.coords[this._pos++]=e,this.coords[this._pos++]=t,n}finish(){let e=this._pos>>1;if(e!==this.numItems)throw Error(`Added ${e} items when expected ${this.numItems}.`);return function e(n,r,i,o,a,l){if(a-o<=i)return;let s=o+a>>1;(function e(n,r,i,o,a,l){for(;a>o;){if(a-o>600){let t=a-o+1,s=i-o+1,c=Math.log(t),d=.5*Math.exp(2*c/3),u=.5*Math.sqrt(c*d*(t-d)/t)*(s-t/2<0?-1:1),p=Math.max(o,Math.floor(i-s*d/t+u)),h=Math.min(a,Math.floor(i+(t-s)*d/t+u));e(n,r,i,p,h,l)}let s=r[2*i+l],c=o,d=a;for(t(n,r,o,i),r[2*a+l]>s&&t(n,r,o,a);c<d;){for(t(n,r,c,d),c++,d--;r[2*c+l]<s;)c++;for(;r[2*d+l]>s;)d--}r[2*o+l]===s?t(n,r,o,d):t(n,r,++d,a),d<=i&&(o=d+1),i<=d&&(a=d-1)}})(n,r,s,o,a,l),e(n,r,i,o,s-1,1-l),e(n,r,i,s+1,a,1-l)}(this.ids,this.coords,this.nodeSize,0,this.numItems-1,0),this._finished=!0,this}range(e,t,n,r){if(!this._finished)throw Error("Data not yet indexed - call index.finish().");let{ids:i,coords:o,nodeSize:a}=this,l=[0,i.length-1,0],s=[];for(;l.length;){let c=l.pop()||0,d=l.pop()||0,u=l.pop()||0;if(d-u<=a){for(let a=u;a<=d;a++){let l=o[2*a],c=o[2*a+1];l>=e&&l<=n&&c>=t&&c<=r&&s.push(i[a])}continue}let p=u+d>>1,h=o[2*p],f=o[2*p+1];h>=e&&h<=n&&f>=t&&f<=r&&s.push(i[p]),(0===c?e<=h:t<=f)&&(l.push(u),l.push(p-1),l.push(1-c)),(0===c?n>=h:r>=f)&&(l.push(p+1),l.push(d),l.push(1-c))}return s}within(e,t,n){if(!this._finished)throw Error("Data not yet indexed - call index.finish().");let{ids:i,coords:o,nodeSize:a}=this,l=[0,i.length-1,0],s=[],c=n*n;for(;l.length;){let d=l.pop()||0,u=l.pop()||0,p=l.pop()||0;if(u-p<=a){for(let n=p;n<=u;n++)r(o[2*n],o[2*n+1],e,t)<=c&&s.push(i[n]);continue}let h=p+u>>1,f=o[2*h],m=o[2*h+1];r(f,m,e,t)<=c&&s.push(i[h]),(0===d?e-n<=f:t-n<=m)&&(l.push(p),l.push(h-1),l.push(1-d)),(0===d?e+n>=f:t+n>=m)&&(l.push(h+1),l.push(u),l.push(1-d))}return s}}},eG=()=>{addEventListener("message",e=>{let t=e.data.points;0===t.length&&self.postMessage({error:Error("Invalid point data")});let n=new KDBush(t.length,e.data.nodeSize);for(let[e,r]of t)n.add(e,r);n.finish(),postMessage(n.data,[n.data])})};let eH=eK(),eY=(e,t={nodeSize:16,useWorker:void 0})=>new Promise((n,r)=>{if(e instanceof ArrayBuffer)n(eH.from(e));else if((e.length<1e6||!1===t.useWorker)&&!0!==t.useWorker){let r=new eH(e.length,t.nodeSize);for(let t of e)r.add(t[0],t[1]);r.finish(),n(r)}else{let i,o,a,l,s,c=(i=eK.toString(),o=eG.toString(),a=new Blob([`const createKDBushClass = ${i};KDBush = createKDBushClass();const createWorker = ${o};createWorker();`],{type:"text/javascript"}),s=new Worker(l=URL.createObjectURL(a),{name:"KDBush"}),URL.revokeObjectURL(l),s);c.onmessage=e=>{e.data.error?r(e.data.error):n(eH.from(e.data)),c.terminate()},c.postMessage({points:e,nodeSize:t.nodeSize})}}),eX=!0,eJ=8,eQ=2,e0="freeform",e1=24,e2=(e,t=null)=>null===e?t:e,e5=()=>{if(!r){let e=document.createElement("style");document.head.appendChild(e),r=e.sheet}return r},e3=e=>{let t=e5(),n=t.rules.length;return t.insertRule(e,n),n},e4=e=>{e5().deleteRule(e)},e6=null,e8=null,e9=(e,{onDraw:t=d,onStart:n=d,onEnd:r=d,enableInitiator:i=eX,initiatorParentElement:o=document.body,longPressIndicatorParentElement:a=document.body,minDelay:l=eJ,minDist:s=eQ,pointNorm:c=d,type:u=e0,brushSize:p=e1}={})=>{let g,v,x,w,b,A,S,P=i,M=o,E=a,I=t,C=n,R=r,T=l,L=s,z=c,B=u,D=p,$=document.createElement("div"),O=Math.random().toString(36).substring(2,5)+Math.random().toString(36).substring(2,5);$.id=`lasso-initiator-${O}`,$.style.position="fixed",$.style.display="flex",$.style.justifyContent="center",$.style.alignItems="center",$.style.zIndex=99,$.style.width="4rem",$.style.height="4rem",$.style.borderRadius="4rem",$.style.opacity=.5,$.style.transform="translate(-50%,-50%) scale(0) rotate(0deg)";let{longPress:k,longPressCircle:F,longPressCircleLeft:N,longPressCircleRight:_,longPressEffect:j}=(g=document.createElement("div"),v=Math.random().toString(36).substring(2,5)+Math.random().toString(36).substring(2,5),g.id=`lasso-long-press-${v}`,g.style.position="fixed",g.style.width="1.25rem",g.style.height="1.25rem",g.style.pointerEvents="none",g.style.transform="translate(-50%,-50%)",(x=document.createElement("div")).style.position="absolute",x.style.top=0,x.style.left=0,x.style.width="1.25rem",x.style.height="1.25rem",x.style.clipPath="inset(0px 0px 0px 50%)",x.style.opacity=0,g.appendChild(x),(w=document.createElement("div")).style.position="absolute",w.style.top=0,w.style.left=0,w.style.width="0.8rem",w.style.height="0.8rem",w.style.border="0.2rem solid currentcolor",w.style.borderRadius="0.8rem",w.style.clipPath="inset(0px 50% 0px 0px)",w.style.transform="rotate(0deg)",x.appendChild(w),(b=document.createElement("div")).style.position="absolute",b.style.top=0,b.style.left=0,b.style.width="0.8rem",b.style.height="0.8rem",b.style.border="0.2rem solid currentcolor",b.style.borderRadius="0.8rem",b.style.clipPath="inset(0px 50% 0px 0px)",b.style.transform="rotate(0deg)",x.appendChild(b),(A=document.createElement("div")).style.position="absolute",A.style.top=0,A.style.left=0,A.style.width="1.25rem",A.style.height="1.25rem",A.style.borderRadius="1.25rem",A.style.background="currentcolor",A.style.transform="scale(0)",A.style.opacity=0,g.appendChild(A),{longPress:g,longPressCircle:x,longPressCircleLeft:w,longPressCircleRight:b,longPressEffect:A}),Z=!1,W=!1,V=[],q=[],U=[],K=[],G=!1,H=null,Y=null,X=null,J=null,Q=null,ee=null,et=null,en=null,er=null,ei=null,eo=()=>{Z=!1};window.addEventListener("mouseup",eo);let ea=()=>{$.style.opacity=.5,$.style.transform="translate(-50%,-50%) scale(0) rotate(0deg)"},el=(e,t)=>{let n=getComputedStyle(e),r=+n.opacity,i=n.transform.match(/([0-9.-]+)+/g),o=+i[0],a=+i[1],l=Math.sqrt(o*o+a*a),s=180/Math.PI*Math.atan2(a,o);return{opacity:r,scale:l,rotate:s=t&&s<=0?360+s:s}},es=e=>{if(!P||Z)return;let t=e.clientX,n=e.clientY;$.style.top=`${n}px`,$.style.left=`${t}px`;let r=el($),i=r.opacity,o=r.scale,a=r.rotate;$.style.opacity=i,$.style.transform=`translate(-50%,-50%) scale(${o}) rotate(${a}deg)`,$.style.animation="none",m().then(()=>{null!==e6&&e4(e6),e6=e3(`
@keyframes scaleInFadeOut {
  0% {
    opacity: ${i};
    transform: translate(-50%,-50%) scale(${o}) rotate(${a}deg);
  }
  10% {
    opacity: 1;
    transform: translate(-50%,-50%) scale(1) rotate(${a+20}deg);
  }
  100% {
    opacity: 0;
    transform: translate(-50%,-50%) scale(0.9) rotate(${a+60}deg);
  }
}
`),$.style.animation="2500ms ease scaleInFadeOut 0s 1 normal backwards",m().then(()=>{ea()})})},ec=()=>{let{opacity:e,scale:t,rotate:n}=el($);$.style.opacity=e,$.style.transform=`translate(-50%,-50%) scale(${t}) rotate(${n}deg)`,$.style.animation="none",m(2).then(()=>{null!==e8&&e4(e8),e8=e3(`
@keyframes fadeScaleOut {
  0% {
    opacity: ${e};
    transform: translate(-50%,-50%) scale(${t}) rotate(${n}deg);
  }
  100% {
    opacity: 0;
    transform: translate(-50%,-50%) scale(0) rotate(${n}deg);
  }
}
`),$.style.animation="250ms ease fadeScaleOut 0s 1 normal backwards",m().then(()=>{ea()})})},ed=(e,t,{time:n=em,extraTime:r=ey,delay:i=eg}={time:em,extraTime:ey,delay:eg})=>{G=!0;let o=getComputedStyle(k);k.style.color=o.color,k.style.top=`${t}px`,k.style.left=`${e}px`,k.style.animation="none";let a=getComputedStyle(F);F.style.clipPath=a.clipPath,F.style.opacity=a.opacity,F.style.animation="none";let l=el(j);j.style.opacity=l.opacity,j.style.transform=`scale(${l.scale})`,j.style.animation="none";let s=el(N);N.style.transform=`rotate(${s.rotate}deg)`,N.style.animation="none";let c=el(_);_.style.transform=`rotate(${c.rotate}deg)`,_.style.animation="none",m().then(()=>{if(!G)return;null!==Q&&e4(Q),null!==J&&e4(J),null!==X&&e4(X),null!==Y&&e4(Y),null!==H&&e4(H);let{rules:e,names:t}=(({time:e=em,extraTime:t=ey,delay:n=eg,currentColor:r,targetColor:i,effectOpacity:o,effectScale:a,circleLeftRotation:l,circleRightRotation:s,circleClipPath:c,circleOpacity:d})=>{let u,p=l/360,h=(1-p)*e+t,f=Math.round((1-p)*e/h*100),m=Math.round(f/2);return{rules:{main:`
  @keyframes mainIn {
    0% {
      color: ${r};
      opacity: 0;
    }
    0%, ${f}% {
      color: ${r};
      opacity: 1;
    }
    100% {
      color: ${i};
      opacity: 0.8;
    }
  }
`,effect:(u=f+(100-f)/4,`
  @keyframes effectIn {
    0%, ${f}% {
      opacity: ${o};
      transform: scale(${a});
    }
    ${u}% {
      opacity: 0.66;
      transform: scale(1.5);
    }
    99% {
      opacity: 0;
      transform: scale(2);
    }
    100% {
      opacity: 0;
      transform: scale(0);
    }
  }
`),circleRight:`
  @keyframes rightSpinIn {
    0% {
      transform: rotate(${s}deg);
    }
    ${m}%, 100% {
      transform: rotate(180deg);
    }
  }
`,circleLeft:`
  @keyframes leftSpinIn {
    0% {
      transform: rotate(${l}deg);
    }
    ${f}%, 100% {
      transform: rotate(360deg);
    }
  }
`,circle:`
  @keyframes circleIn {
    0% {
      clip-path: ${c};
      opacity: ${d};
    }
    ${m}% {
      clip-path: ${c};
      opacity: 1;
    }
    ${m+.01}%, 100% {
      clip-path: inset(0);
      opacity: 1;
    }
  }
`},names:{main:`${h}ms ease-out mainIn ${n}ms 1 normal forwards`,effect:`${h}ms ease-out effectIn ${n}ms 1 normal forwards`,circleLeft:`${h}ms linear leftSpinIn ${n}ms 1 normal forwards`,circleRight:`${h}ms linear rightSpinIn ${n}ms 1 normal forwards`,circle:`${h}ms linear circleIn ${n}ms 1 normal forwards`}}})({time:n,extraTime:r,delay:i,currentColor:o.color||"currentcolor",targetColor:k.dataset.activeColor,effectOpacity:l.opacity||0,effectScale:l.scale||0,circleLeftRotation:s.rotate||0,circleRightRotation:c.rotate||0,circleClipPath:a.clipPath||"inset(0 0 0 50%)",circleOpacity:a.opacity||0});H=e3(e.main),Y=e3(e.effect),X=e3(e.circleLeft),J=e3(e.circleRight),Q=e3(e.circle),k.style.animation=t.main,j.style.animation=t.effect,N.style.animation=t.circleLeft,_.style.animation=t.circleRight,F.style.animation=t.circle})},eu=({time:e=ev}={time:ev})=>{if(!G)return;G=!1;let t=getComputedStyle(k);k.style.color=t.color,k.style.animation="none";let n=getComputedStyle(F);F.style.clipPath=n.clipPath,F.style.opacity=n.opacity,F.style.animation="none";let r=el(j);j.style.opacity=r.opacity,j.style.transform=`scale(${r.scale})`,j.style.animation="none";let i=el(N,"x"===n.clipPath.slice(-2,-1));N.style.transform=`rotate(${i.rotate}deg)`,N.style.animation="none";let o=el(_);_.style.transform=`rotate(${o.rotate}deg)`,_.style.animation="none",m().then(()=>{null!==ei&&e4(ei),null!==er&&e4(er),null!==en&&e4(en),null!==et&&e4(et),null!==ee&&e4(ee);let{rules:a,names:l}=(({time:e=ev,currentColor:t,targetColor:n,effectOpacity:r,effectScale:i,circleLeftRotation:o,circleRightRotation:a,circleClipPath:l,circleOpacity:s})=>{let c=o/360,d=c*e,u=Math.min(100,100*c),p=u>50?Math.round((1-50/u)*100):0;return{rules:{main:`
  @keyframes mainOut {
    0% {
      color: ${t};
    }
    100% {
      color: ${n};
    }
  }
`,effect:`
  @keyframes effectOut {
    0% {
      opacity: ${r};
      transform: scale(${i});
    }
    99% {
      opacity: 0;
      transform: scale(${i+.5});
    }
    100% {
      opacity: 0;
      transform: scale(0);
    }
  }
`,circleRight:`
  @keyframes rightSpinOut {
    0%, ${p}% {
      transform: rotate(${a}deg);
    }
    100% {
      transform: rotate(0deg);
    }
`,circleLeft:`
  @keyframes leftSpinOut {
    0% {
      transform: rotate(${o}deg);
    }
    100% {
      transform: rotate(0deg);
    }
  }
`,circle:`
  @keyframes circleOut {
    0%, ${p}% {
      clip-path: ${l};
      opacity: ${s};
    }
    ${p+.01}% {
      clip-path: inset(0 0 0 50%);
      opacity: ${s};
    }
    100% {
      clip-path: inset(0 0 0 50%);
      opacity: 0;
    }
  }
`},names:{main:`${d}ms linear mainOut 0s 1 normal forwards`,effect:`${d}ms linear effectOut 0s 1 normal forwards`,circleRight:`${d}ms linear leftSpinOut 0s 1 normal forwards`,circleLeft:`${d}ms linear rightSpinOut 0s 1 normal forwards`,circle:`${d}ms linear circleOut 0s 1 normal forwards`}}})({time:e,currentColor:t.color||"currentcolor",targetColor:k.dataset.color,effectOpacity:r.opacity||0,effectScale:r.scale||0,circleLeftRotation:i.rotate||0,circleRightRotation:o.rotate||0,circleClipPath:n.clipPath||"inset(0px)",circleOpacity:n.opacity||1});ee=e3(a.main),et=e3(a.effect),en=e3(a.circleLeft),er=e3(a.circleRight),ei=e3(a.circle),k.style.animation=l.main,j.style.animation=l.effect,N.style.animation=l.circleLeft,_.style.animation=l.circleRight,F.style.animation=l.circle})},ep=()=>{I(V,q)},eh=e=>{V.push(e),q.push(e[0],e[1])},ef=e=>{let[t,n]=e,[r,i]=V[0];V[1]=[t,i],V[2]=[t,n],V[3]=[r,n],V[4]=[r,i],q[2]=t,q[3]=i,q[4]=t,q[5]=n,q[6]=r,q[7]=n,q[8]=r,q[9]=i},ex=e=>{U.push(e)},ew=(e,t,n)=>{let[r,i]=e,[o,a]=t,l=r-o,s=i-a,c=Math.sqrt([l,s].reduce((e,t)=>e+t**2,0));return[s/c*n,-l/c*n]},eb=e=>{let t=U.at(-1),n=Math.abs(z([0,0])[0]-z([D/2,0])[0]),[r,i]=ew(e,t,n),o=U.length;if(1===o){let e=[t[0]+r,t[1]+i],n=[t[0]-r,t[1]-i];V.push(e,n),q.push(e[0],e[1],n[0],n[1]),K.push([r,i])}else{[r,i]=ew(e,t,n);let a=[...K,[r,i]];[r,i]=(e=>{if(0===e.length)return 0;if(1===e.length)return e[0];let t=Math.max(0,e.length-10),n=e.slice(t),r=0,i=0,o=0;for(let e=n.length-1;e>=0;e--){let t=n.length-1-e,a=.5**t;r+=n[e][0]*a,i+=n[e][1]*a,o+=a}return[r/o,i/o]})(a);let[l,s]=K.at(-1),c=(r+l)/2,d=(i+s)/2,u=[t[0]+c,t[1]+d],p=[t[0]-c,t[1]-d];V.splice(o-1,2,u,p),q.splice(2*(o-1),4,u[0],u[1],p[0],p[1]),K.splice(o,1,[c,d])}let a=[e[0]+r,e[1]+i],l=[e[0]-r,e[1]-i];V.splice(o,0,a,l),q.splice(2*o,0,a[0],a[1],l[0],l[1]),U.push(e),K.push([r,i])},eA=eh,eS=eh,eP=e=>{if(S){let t,n;t=e[0],n=e[1],Math.sqrt((t-S[0])**2+(n-S[1])**2)>L&&(S=e,eA(z(e)),V.length>1&&ep())}else{W||(W=!0,C()),S=e;let t=z(e);eS(t)}},eM=y(eP,T,T),eE=(t,n)=>{let r=(t=>{let{left:n,top:r}=e.getBoundingClientRect();return[t.clientX-n,t.clientY-r]})(t);return n?eM(r):eP(r)},eI=()=>{V=[],q=[],U=[],K=[],S=void 0,ep()},eC=e=>{es(e)},eR=()=>{Z=!0,W=!0,eI(),C()},eT=()=>{ec()},eL=({merge:e=!1,remove:t=!1}={})=>{W=!1;let n=[...V],r=[...q];return eM.cancel(),eI(),n.length>0&&R(n,r,{merge:e,remove:t}),n},ez=e=>"onDraw"===e?I:"onStart"===e?C:"onEnd"===e?R:"enableInitiator"===e?P:"minDelay"===e?T:"minDist"===e?L:"pointNorm"===e?z:"type"===e?B:"brushSize"===e?D:void 0,eB=({onDraw:e=null,onStart:t=null,onEnd:n=null,enableInitiator:r=null,initiatorParentElement:i=null,longPressIndicatorParentElement:o=null,minDelay:a=null,minDist:l=null,pointNorm:s=null,type:c=null,brushSize:d=null}={})=>{I=e2(e,I),C=e2(t,C),R=e2(n,R),P=e2(r,P),T=e2(a,T),L=e2(l,L),z=e2(s,z),D=e2(d,D),null!==i&&i!==M&&(M.removeChild($),i.appendChild($),M=i),null!==o&&o!==E&&(E.removeChild(k),o.appendChild(k),E=o),P?($.addEventListener("click",eC),$.addEventListener("mousedown",eR),$.addEventListener("mouseleave",eT)):($.removeEventListener("mousedown",eR),$.removeEventListener("mouseleave",eT)),null!==c&&(e=>{switch(e){case"rectangle":B=e,eA=ef,eS=eh;break;case"brush":B=e,eA=eb,eS=ex;break;default:B="freeform",eA=eh,eS=eh}})(c)},eD=()=>{M.removeChild($),E.removeChild(k),window.removeEventListener("mouseup",eo),$.removeEventListener("click",eC),$.removeEventListener("mousedown",eR),$.removeEventListener("mouseleave",eT)};return M.appendChild($),E.appendChild(k),eB({onDraw:I,onStart:C,onEnd:R,enableInitiator:P,initiatorParentElement:M,type:B,brushSize:D}),(function(...e){return t=>e.reduce((e,t)=>t(e),t)})(f("initiator",$),f("longPressIndicator",k),e=>h(e,{clear:eI,destroy:eD,end:eL,extend:eE,get:ez,set:eB,showInitiator:es,hideInitiator:ec,showLongPressIndicator:ed,hideLongPressIndicator:eu}),e=>h({__proto__:{constructor:e9}},e))({})},e7=`
precision highp float;

uniform float antiAliasing;

varying vec4 color;
varying float finalPointSize;

float linearstep(float edge0, float edge1, float x) {
  return clamp((x - edge0) / (edge1 - edge0), 0.0, 1.0);
}

void main() {
  vec2 c = gl_PointCoord * 2.0 - 1.0;
  float sdf = length(c) * finalPointSize;
  float alpha = linearstep(finalPointSize + antiAliasing, finalPointSize - antiAliasing, sdf);

  gl_FragColor = vec4(color.rgb, alpha * color.a);
}
`,te=`precision highp float;

varying vec4 color;

void main() {
  gl_FragColor = color;
}
`,tt=`precision highp float;

uniform sampler2D startStateTex;
uniform sampler2D endStateTex;
uniform float t;

varying vec2 particleTextureIndex;

void main() {
  // Interpolate x, y, and value
  vec3 start = texture2D(startStateTex, particleTextureIndex).xyw;
  vec3 end = texture2D(endStateTex, particleTextureIndex).xyw;
  vec3 curr = start * (1.0 - t) + end * t;

  // The category cannot be interpolated
  float endCategory = texture2D(endStateTex, particleTextureIndex).z;

  gl_FragColor = vec4(curr.xy, endCategory, curr.z);
}`,tn=`precision highp float;

attribute vec2 position;
varying vec2 particleTextureIndex;

void main() {
  // map normalized device coords to texture coords
  particleTextureIndex = 0.5 * (1.0 + position);

  gl_Position = vec4(position, 0, 1);
}`,tr=(e,t)=>!!e&&ee.reduce((n,r)=>e.hasExtension(r)?n:(t||console.warn(`WebGL: ${r} extension not supported. Scatterplot might not render properly`),!1),!0),ti=e=>{let t=e.getContext("webgl",{antialias:!0,preserveDrawingBuffer:!0}),n=[];for(let e of ee)t.getExtension(e)?n.push(e):console.warn(`WebGL: ${e} extension not supported. Scatterplot might not render properly`);return s()({gl:t,extensions:n})},to=(e,t,n,r)=>Math.sqrt((e-n)**2+(t-r)**2),ta=/^#?([a-f\d])([a-f\d])([a-f\d])$/i,tl=(e,t,{minLength:n=0}={})=>Array.isArray(e)&&e.length>=n&&e.every(t),ts=e=>!Number.isNaN(+e)&&+e>=0,tc=e=>!Number.isNaN(+e)&&+e>0,td=(e,t)=>n=>e.indexOf(n)>=0?n:t,tu=(e,t,n=eZ)=>new Promise((r,i)=>{((e,t=!1,n=eZ)=>new Promise((r,i)=>{let o=new Image;t&&(o.crossOrigin="anonymous"),o.src=e,o.onload=()=>{r(o)};let a=()=>{i(Error("IMAGE_LOAD_ERROR"))};o.onerror=a,setTimeout(a,n)}))(t,0!==t.indexOf(window.location.origin)&&-1===t.indexOf("base64"),n).then(t=>{r(e.texture(t))}).catch(e=>{i(e)})}),tp=/(^#[0-9A-F]{6}$)|(^#[0-9A-F]{3}$)/i,th=e=>e>=0&&e<=1,tf=e=>Array.isArray(e)&&e.every(th),tm=(e,[t,n]=[])=>{let r=0;for(let i=0,o=e.length-2;i<e.length;i+=2){let a=e[i],l=e[i+1],s=e[o],c=e[o+1];l<=n?c>n&&(s-a)*(n-l)-(t-a)*(c-l)>0&&r++:c<=n&&(s-a)*(n-l)-(t-a)*(c-l)<0&&r--,o=i}return 0!==r},ty=e=>"string"==typeof e||e instanceof String,tg=e=>Number.isInteger(e)&&e>=0&&e<=255,tv=e=>Array.isArray(e)&&e.every(tg),tx=e=>Array.isArray(e)&&e.length>0&&(Array.isArray(e[0])||ty(e[0])),tw=(e,t)=>e>t?e:t,tb=(e,t)=>e<t?e:t,tA=(e,t)=>{if(4===e.length&&(tf(e)||tv(e))){let n=tf(e);return t&&n||!(t||n)?e:t&&!n?e.map(e=>e/255):e.map(e=>255*e)}if(3===e.length&&(tf(e)||tv(e))){let n=255**!t,r=tf(e);return t&&r||!(t||r)?[...e,n]:t&&!r?[...e.map(e=>e/255),n]:[...e.map(e=>255*e),n]}return tp.test(e)?((e,t=!1)=>[...((e,t=!1)=>e.replace(ta,(e,t,n,r)=>`#${t}${t}${n}${n}${r}${r}`).substring(1).match(/.{2}/g).map(e=>Number.parseInt(e,16)/255**t))(e,t),255**!t])(e,t):(console.warn("Only HEX, RGB, and RGBA are handled by this function. Returning white instead."),t?[1,1,1,1]:[255,255,255,255])},tS=e=>.21*e[0]+.72*e[1]+.07*e[2],tP=e=>new Promise((t,n)=>{if(!e||Array.isArray(e))t(e);else{let r,i,o=Array.isArray(e.x)||ArrayBuffer.isView(e.x)?e.x.length:0,a=(Array.isArray(e.x)||ArrayBuffer.isView(e.x))&&(t=>e.x[t]),l=(Array.isArray(e.y)||ArrayBuffer.isView(e.y))&&(t=>e.y[t]),s=(Array.isArray(e.line)||ArrayBuffer.isView(e.line))&&(t=>e.line[t]),c=(Array.isArray(e.lineOrder)||ArrayBuffer.isView(e.lineOrder))&&(t=>e.lineOrder[t]),d=Object.keys(e),u=(r=d.find(e=>e_.has(e)))&&(Array.isArray(e[r])||ArrayBuffer.isView(e[r]))&&(t=>e[r][t]),p=(i=d.find(e=>ej.has(e)))&&(Array.isArray(e[i])||ArrayBuffer.isView(e[i]))&&(t=>e[i][t]);a&&l&&u&&p&&s&&c?t(e.x.map((e,t)=>[e,l(t),u(t),p(t),s(t),c(t)])):a&&l&&u&&p&&s?t(Array.from({length:o},(e,t)=>[a(t),l(t),u(t),p(t),s(t)])):a&&l&&u&&p?t(Array.from({length:o},(e,t)=>[a(t),l(t),u(t),p(t)])):a&&l&&u?t(Array.from({length:o},(e,t)=>[a(t),l(t),u(t)])):a&&l?t(Array.from({length:o},(e,t)=>[a(t),l(t)])):n(Error("You need to specify at least x and y"))}}),tM=e=>Number.isFinite(e.y)&&!("x"in e),tE=e=>Number.isFinite(e.x)&&!("y"in e),tI=e=>Number.isFinite(e.x)&&Number.isFinite(e.y)&&Number.isFinite(e.width)&&Number.isFinite(e.height),tC=e=>Number.isFinite(e.x1)&&Number.isFinite(e.y1)&&Number.isFinite(e.x2)&&Number.isFinite(e.x2),tR=e=>"vertices"in e&&e.vertices.length>1,tT=e=>{let t=e.length;for(let n=1;n<t;n++){let t=e[n],r=n-1;for(;r>-1&&t<e[r];)e[r+1]=e[r],r--;e[r+1]=t}return e},tL=(e={})=>{let{regl:t,canvas:n=document.createElement("canvas"),gamma:r=1}=e,i=!1;t||(t=ti(n));let o=tr(t),a=[n.width,n.height],l=t.framebuffer({width:a[0],height:a[1],colorFormat:"rgba",colorType:"float"}),s=t({vert:`
      precision highp float;
      attribute vec2 xy;
      void main () {
        gl_Position = vec4(xy, 0, 1);
      }`,frag:`
      precision highp float;
      uniform vec2 srcRes;
      uniform sampler2D src;
      uniform float gamma;

      vec3 approxLinearToSRGB (vec3 rgb, float gamma) {
        return pow(clamp(rgb, vec3(0), vec3(1)), vec3(1.0 / gamma));
      }

      void main () {
        vec4 color = texture2D(src, gl_FragCoord.xy / srcRes);
        gl_FragColor = vec4(approxLinearToSRGB(color.rgb, gamma), color.a);
      }`,attributes:{xy:[-4,-4,4,-4,0,4]},uniforms:{src:()=>l,srcRes:()=>a,gamma:()=>r},count:3,depth:{enable:!1},blend:{enable:!0,func:{srcRGB:"one",srcAlpha:"one",dstRGB:"one minus src alpha",dstAlpha:"one minus src alpha"}}}),c=new Set,d=t.frame(()=>{let e=c.values(),t=e.next();for(;!t.done;)t.value(),t=e.next()}),u=(e,t)=>{let r=void 0===e?Math.min(window.innerWidth,window.screen.availWidth):e,i=void 0===t?Math.min(window.innerHeight,window.screen.availHeight):t;n.width=r*window.devicePixelRatio,n.height=i*window.devicePixelRatio,a[0]=n.width,a[1]=n.height,l.resize(...a)},p=()=>{u()};return e.canvas||(window.addEventListener("resize",p),window.addEventListener("orientationchange",p),u()),{get canvas(){return n},get regl(){return t},get gamma(){return r},set gamma(e){r=+e},get isSupported(){return o},get isDestroyed(){return i},render:(e,r)=>{let i;t.clear(et),l.use(()=>{t.clear(et),e()}),s(),(i=r.getContext("2d")).clearRect(0,0,r.width,r.height),i.drawImage(n,(n.width-r.width)/2,(n.height-r.height)/2,r.width,r.height,0,0,r.width,r.height)},resize:u,onFrame:e=>(c.add(e),()=>{c.delete(e)}),refresh:()=>{t.poll()},destroy:()=>{i=!0,window.removeEventListener("resize",p),window.removeEventListener("orientationchange",p),d.cancel(),n=void 0,t.destroy(),t=void 0}}},tz=function(){let e=(e,t,n,r,i)=>{let o=(r-t)*.5,a=(i-n)*.5;return(2*n-2*r+o+a)*e*e*e+(-3*n+3*r-2*o-a)*e*e+o*e+n},t=(t,n,r)=>{let i=r*t,o=Math.floor(i),a=i-o,l=n[Math.max(0,o-1)],s=n[o],c=n[Math.min(r,o+1)],d=n[Math.min(r,o+2)];return[e(a,l[0],s[0],c[0],d[0]),e(a,l[1],s[1],c[1],d[1])]},n=(e,t,n,r)=>(e-n)**2+(t-r)**2,r=(e,t,n)=>{let r=t[0],i=t[1],o=n[0]-r,a=n[1]-i;if(0!==o||0!==a){let t=((e[0]-r)*o+(e[1]-i)*a)/(o*o+a*a);t>1?(r=n[0],i=n[1]):t>0&&(r+=o*t,i+=a*t)}return(o=e[0]-r)*o+(a=e[1]-i)*a},i=(e,t,n,o,a)=>{let l,s=o;for(let i=t+1;i<n;i++){let o=r(e[i],e[t],e[n]);o>s&&(l=i,s=o)}s>o&&(l-t>1&&i(e,t,l,o,a),a.push(e[l]),n-l>1&&i(e,l,n,o,a))},o=(e,t)=>{let n=e.length-1,r=[e[0]];return i(e,0,n,t,r),r.push(e[n]),r};self.onmessage=function(e){var r;let i,a;(e.data.points?+e.data.points.length:0)||self.postMessage({error:Error("No points provided")}),e.data.points;let l=(r=e.data.points,i={},a=!Number.isNaN(+r[0][5]),r.forEach(e=>{let t=e[4];i[t]||(i[t]=[]),a?i[t][e[5]]=e:i[t].push(e)}),Object.entries(i).forEach(e=>{i[e[0]]=e[1].filter(e=>e),i[e[0]].reference=e[1][0]}),i);self.postMessage({points:Object.entries(l).reduce((r,i)=>(r[i[0]]=((e,{maxIntPointsPerSegment:r=100,tolerance:i=.002}={})=>{let a,l=e.length,s=l-1,c=s*r+1,d=i**2,u=[];for(let i=0;i<l-1;i++){let l=[e[i].slice(0,2)];a=e[i];for(let o=1;o<r;o++){let u=t((i*r+o)/c,e,s);n(a[0],a[1],u[0],u[1])>d&&(l.push(u),a=u)}l.push(e[i+1]),l=o(l,d),u=u.concat(l.slice(0,l.length-1))}return u.push(e[e.length-1].slice(0,2)),u.flat()})(i[1],e.data.options),r[i[0]].reference=i[1].reference,r),{})})}},tB={showRecticle:{replacement:"showReticle",removalVersion:"2",translation:d},recticleColor:{replacement:"reticleColor",removalVersion:"2",translation:d},keyMap:{replacement:"actionKeyMap",removalVersion:"2",translation:e=>Object.entries(e).reduce((e,[t,n])=>(e[n]?e[n]=[...e[n],t]:e[n]=t,e),{})}},tD=e=>{for(let t of Object.keys(e).filter(e=>tB[e])){let{replacement:n,removalVersion:r,translation:i}=tB[t];console.warn(`regl-scatterplot: the "${t}" property is deprecated and will be removed in v${r}. Please use "${n}" instead.`),e[tB[t].replacement]=e[t]!==eV?i(e[t]):e[t],delete e[t]}return e},t$=(e,t,{allowSegment:n=!1,allowDensity:r=!1,allowInherit:i=!1}={})=>e_.has(e)?"valueZ":ej.has(e)?"valueW":"segment"===e?n?"segment":t:"density"===e?r?"density":t:"inherit"===e&&i?"inherit":t,tO=e=>{switch(e){case"valueZ":return 2;case"valueW":return 3;default:return null}};n.d(t,{},{checkSupport:tr,createRegl:ti,createRenderer:tL,createSpatialIndex:(e,t)=>tP(e).then(e=>eY(e,{useWorker:t})).then(e=>e.data),createTextureFromUrl:tu,default:(e={})=>{let t,n,r,i,o,l,s,c,h,f,m,g,B,D,N,_,j,Z,W,V,q,U,K,ee,et,e_,ej,eK,eG,eH,eX,eJ,eQ,e0,e1,e2=(0,a.default)({async:!e.syncEvents,caseInsensitive:!0}),e5=new Float32Array(16),e3=new Float32Array(16),e4=[0,0];tD(e);let{renderer:e6,antiAliasing:e8=.5,pixelAligned:tr=!1,backgroundColor:ti=ez,backgroundImage:ta=null,canvas:tp=document.createElement("canvas"),colorBy:th=null,deselectOnDblClick:tf=!0,deselectOnEscape:tg=!0,lassoColor:tv=ef,lassoLineWidth:tB=2,lassoMinDelay:tk=10,lassoMinDist:tF=3,lassoClearEvent:tN=ep,lassoInitiator:t_=!1,lassoInitiatorParentElement:tj=document.body,lassoLongPressIndicatorParentElement:tZ=document.body,lassoOnLongPress:tW=!1,lassoLongPressTime:tV=em,lassoLongPressAfterEffectTime:tq=ey,lassoLongPressEffectDelay:tU=eg,lassoLongPressRevertEffectTime:tK=ev,lassoType:tG="lasso",lassoBrushSize:tH=24,actionKeyMap:tY=eC,mouseMode:tX=en,showReticle:tJ=!1,reticleColor:tQ=eN,pointColor:t0=eR,pointColorActive:t1=eT,pointColorHover:t2=eL,showPointConnections:t5=!1,pointConnectionColor:t3=eB,pointConnectionColorActive:t4=eD,pointConnectionColorHover:t6=e$,pointConnectionColorBy:t8=null,pointConnectionOpacity:t9=null,pointConnectionOpacityBy:t7=null,pointConnectionOpacityActive:ne=.66,pointConnectionSize:nt=2,pointConnectionSizeActive:nn=2,pointConnectionSizeBy:nr=null,pointConnectionMaxIntPointsPerSegment:ni=100,pointConnectionTolerance:no=.002,pointSize:na=6,pointSizeSelected:nl=2,pointSizeMouseDetection:ns="auto",pointOutlineWidth:nc=2,opacity:nd=X,opacityBy:nu=null,opacityByDensityFill:np=.15,opacityInactiveMax:nh=1,opacityInactiveScale:nf=1,sizeBy:nm=null,pointOrder:ny=null,pointScaleMode:ng="asinh",height:nv=X,width:nx=X,annotationLineColor:nw=eO,annotationLineWidth:nb=1,annotationHVLineLimit:nA=1e3,cameraIsFixed:nS=!1}=e,nP=nx===X?1:nx,nM=nv===X?1:nv,{performanceMode:nE=!1,opacityByDensityDebounceTime:nI=25,spatialIndexUseWorker:nC=eW}=e,nR=!!(e.renderPointsAsSquares||nE),nT=!!(e.disableAlphaBlending||nE);tX=td(eo,en)(tX),e6||(e6=tL({regl:e.regl,gamma:e.gamma})),ti=tA(ti,!0),tv=tA(tv,!0),tQ=tA(tQ,!0);let nL=!1,nz=!1,nB=tS(ti),nD=!1,n$=null,nO=[0,0],nk=-1,nF=[],nN=new Set,n_=new Set,nj=!1,nZ=new Set,nW=[],nV=0,nq=0,nU=!1,nK=[],nG=e.aspectRatio||1,nH=!1,nY=!0,nX=!1;t0=tx(t0)?[...t0]:[t0],t1=tx(t1)?[...t1]:[t1],t2=tx(t2)?[...t2]:[t2],t0=t0.map(e=>tA(e,!0)),t1=t1.map(e=>tA(e,!0)),t2=t2.map(e=>tA(e,!0)),nd=tl(nd=!Array.isArray(nd)&&Number.isNaN(+nd)?t0[0][3]:nd,ts,{minLength:1})?[...nd]:[nd];let nJ=1/(na=tl(na,ts,{minLength:1})?[...na]:[na])[0];t3="inherit"===t3?[...t0]:(t3=tx(t3)?[...t3]:[t3]).map(e=>tA(e,!0)),t4="inherit"===t4?[...t1]:(t4=tx(t4)?[...t4]:[t4]).map(e=>tA(e,!0)),t6="inherit"===t6?[...t2]:(t6=tx(t6)?[...t6]:[t6]).map(e=>tA(e,!0)),t9="inherit"===t9?[...nd]:tl(t9,ts,{minLength:1})?[...t9]:[t9],nt="inherit"===nt?[...na]:tl(nt,ts,{minLength:1})?[...nt]:[nt],th=t$(th,null),nu=t$(nu,null,{allowDensity:!0}),nm=t$(nm,null),t8=t$(t8,null,{allowSegment:!0,allowInherit:!0}),t7=t$(t7,null,{allowSegment:!0}),nr=t$(nr,null,{allowSegment:!0});let nQ=0,n0=0,n1=null,n2=null,n5=!1,n3=null,n4=tJ,n6=0,n8=0,n9=!1,n7=!1,re=!1,rt=!1,rn=ec,rr=ec,ri=!1,ro=e.xScale||null,ra=e.yScale||null,rl=0,rs=0,rc=0,rd=0;ro&&(rl=ro.domain()[0],rs=ro.domain()[1]-ro.domain()[0],ro.range([0,nP])),ra&&(rc=ra.domain()[0],rd=ra.domain()[1]-ra.domain()[0],ra.range([nM,0]));let ru=e=>-1+e/nP*2,rp=e=>1+-(e/nM*2),rh=(e,n)=>{let r=[e,n,1,1];return P(r,r,w(e5,b(e5,l,b(e5,t.view,c)))),r.slice(0,2)},rf=(e=0)=>{let t=is(),n=(_[1]-j[1])/tp.height;return(D*t+e)*n},rm=()=>nj?nW.filter((e,t)=>nZ.has(t)):nW,ry=(e,t,n,r)=>{let o=i.range(e,t,n,r);return nj?o.filter(e=>nZ.has(e)):o},rg=()=>{let[e,t]=[ru(e4[0]),rp(e4[1])],[n,r]=rh(e,t),i=rf(4),o=ry(n-i,r-i,n+i,r+i),a=i,l=-1;for(let e of o){let[t,i]=nW[e],o=to(t,i,n,r);o<a&&(a=o,l=e)}return l},rv=()=>{nK=[],n&&n.clear()},rx=e=>e&&e.length>4,rw=(e,t)=>{if(m||!t5||!rx(nW[e[0]]))return;let n=0===t,r=1===t?e=>n_.add(e):d,i=Object.keys(e.reduce((e,t)=>{let n=nW[t];return e[Array.isArray(n[4])?n[4][0]:n[4]]=!0,e},{})),o=h.getData().opacities;for(let e of i.filter(e=>!n_.has(+e))){let t=f[e][0],i=f[e][2],a=4*t+2*f[e][3],l=a+2*i+4;void 0===o.__original__&&(o.__original__=o.slice());for(let e=a;e<l;e++)o[e]=n?o.__original__[e]:ne;r(e)}h.getBuffer().opacities.subdata(o,0)},rb=e=>[e%nQ/nQ+n0,Math.floor(e/nQ)/nQ+n0],rA=e=>nj&&!nZ.has(e),rS=({preventEvent:e=!1}={})=>{tN===eu&&rv(),nF.length>0&&(e||e2.publish("deselect"),n_.clear(),rw(nF,0),nF=[],nN.clear(),nY=!0)},rP=(e,{merge:t=!1,remove:n=!1,preventEvent:r=!1}={})=>{let i=Array.isArray(e)?e:[e],o=[...nF];if(t){let e;if(e=[],nF.forEach(t=>{e[t]=!0}),i.forEach(t=>{e[t]=!0}),nF=e.reduce((e,t,n)=>(t&&e.push(n),e),[]),o.length===nF.length){nY=!0;return}}else if(n){let e=new Set(i);if(nF=nF.filter(t=>!e.has(t)),o.length===nF.length){nY=!0;return}}else{if(nF?.length>0&&rw(nF,0),o.length>0&&0===i.length)return void rS({preventEvent:r});nF=i}if(u(o,nF)){nY=!0;return}let a=[];nN.clear(),n_.clear();for(let e=nF.length-1;e>=0;e--){let t=nF[e];if(t<0||t>=nV||rA(t)){nF.splice(e,1);continue}nN.add(t),a.push.apply(a,rb(t))}ee({usage:"dynamic",type:"float",data:a}),rw(nF,1),r||e2.publish("select",{points:nF}),nY=!0},rM=(e,{showReticleOnce:t=!1,preventEvent:n=!1}={})=>{let r=!1;if(!(nj&&!nZ.has(e))&&e>=0&&e<nV){r=!0;let t=e0,i=e!==e0;+t>=0&&i&&!nN.has(t)&&rw([t],0),e0=e,et.subdata(rb(e)),nN.has(e)||rw([e],2),i&&!n&&e2.publish("pointover",e0)}else(r=+e0>=0)&&(nN.has(e0)||rw([e0],0),n||e2.publish("pointout",e0)),e0=void 0;r&&(nY=!0,nX=t)},rE=e=>{let t=tp.getBoundingClientRect();return e4[0]=e.clientX-t.left,e4[1]=e.clientY-t.top,[...e4]},rI=(e,n,{merge:r=!1,remove:i=!1}={})=>{t.config({isFixed:nS}),nK=[...e],rP((e=>{let t=(e=>{let t=1/0,n=-1/0,r=1/0,i=-1/0;for(let o=0;o<e.length;o+=2)t=e[o]<t?e[o]:t,n=e[o]>n?e[o]:n,r=e[o+1]<r?e[o+1]:r,i=e[o+1]>i?e[o+1]:i;return[t,r,n,i]})(e);if(!(([e,t,n,r])=>Number.isFinite(e)&&Number.isFinite(t)&&Number.isFinite(n)&&Number.isFinite(r)&&n-e>0&&r-t>0)(t))return[];let n=ry(...t),r=[];for(let t of n)tm(e,nW[t])&&r.push(t);return r})(n),{merge:r,remove:i}),e2.publish("lassoEnd",{coordinates:nK}),tN===ep&&rv()},rC=e9(tp,{onStart:()=>{t.config({isFixed:!0}),nD=!0,nU=!0,rv(),nk>=0&&(clearTimeout(nk),nk=-1),e2.publish("lassoStart")},onDraw:(e,t)=>{nK=e,n.setPoints(t),e2.publish("lassoExtend",{coordinates:e})},onEnd:rI,enableInitiator:t_,initiatorParentElement:tj,longPressIndicatorParentElement:tZ,pointNorm:([e,t])=>rh(ru(e),rp(t)),minDelay:tk,minDist:"brush"===tG?Math.max(3,tF):tF,type:tG}),rR=(e,t)=>{switch(tY[t]){case"alt":return e.altKey;case"cmd":return e.metaKey;case eP:return e.ctrlKey;case eM:return e.metaKey;case eE:return e.shiftKey;default:return!1}},rT=e=>{n7&&1===e.buttons&&(nD=!0,n$=performance.now(),nO=rE(e),(nU=tX===er||rR(e,ex))||!tW||(rC.showLongPressIndicator(e.clientX,e.clientY,{time:tV,extraTime:tq,delay:tU}),nk=setTimeout(()=>{nk=-1,nU=!0},tV)))},rL=e=>{n7&&(nD=!1,nk>=0&&(clearTimeout(nk),nk=-1),nU&&(e.preventDefault(),nU=!1,rC.end({merge:rR(e,eb),remove:rR(e,eA)})),tW&&rC.hideLongPressIndicator({time:tK}))},rz=e=>{if(!n7||(e.preventDefault(),to(...rE(e),...nO)>=tF))return;let t=performance.now()-n$;if(!t_||t<500){let t=rg();t>=0?(nF.length>0&&tN===eu&&rv(),rP([t],{merge:rR(e,eb),remove:rR(e,eA)})):N||(N=setTimeout(()=>{N=null,rC.showInitiator(e)},200))}},rB=e=>{rC.hideInitiator(),N&&(clearTimeout(N),N=null),tf&&(e.preventDefault(),rS())},rD=e=>{!rt&&(ri=document.elementsFromPoint(e.clientX,e.clientY).some(e=>e===tp),rt=!0);if(!(n7&&(ri||nD)))return;let t=to(...rE(e),...nO)>=tF;ri&&!nU&&rM(rg()),nU?(e.preventDefault(),rC.extend(e,!0)):nD&&tW&&t&&rC.hideLongPressIndicator({time:tK}),nk>=0&&t&&(clearTimeout(nk),nk=-1),nD&&(nY=!0)},r$=()=>{e0=void 0,ri=!1,rt=!1,n7&&(+e0>=0&&!nN.has(e0)&&rw([e0],0),rL(),nY=!0)},rO=()=>{let e=Math.max(na.length,nd.length),t=new Float32Array((n8=Math.max(2,Math.ceil(Math.sqrt(e))))**2*4);for(let n=0;n<e;n++){t[4*n]=na[n]||0,t[4*n+1]=Math.min(1,nd[n]||0);let e=Number((t1[n]||t1[0])[3]);t[4*n+2]=Math.min(1,Number.isNaN(e)?1:e);let r=Number((t2[n]||t2[0])[3]);t[4*n+3]=Math.min(1,Number.isNaN(r)?1:r)}return e6.regl.texture({data:t,shape:[n8,n8,4],type:"float"})},rk=(e=t0,t=t1,n=t2)=>{let r=e.length,i=t.length,o=n.length,a=[];if(r===i&&i===o)for(let i=0;i<r;i++)a.push(e[i],t[i],n[i],ti);else for(let i=0;i<r;i++){let r=[e[i][0],e[i][1],e[i][2],1],o=null===th?t[0]:r,l=null===th?n[0]:r;a.push(e[i],o,l,ti)}return a},rF=()=>{let e=rk(),t=new Float32Array((n6=Math.max(2,Math.ceil(Math.sqrt(e.length))))**2*4);return e.forEach((e,n)=>{t[4*n]=e[0],t[4*n+1]=e[1],t[4*n+2]=e[2],t[4*n+3]=e[3]}),e6.regl.texture({data:t,shape:[n6,n6,4],type:"float"})},rN=()=>{l=S([],[1/(o=nP/nM),1,1]),s=S([],[1/o,1,1]),c=S([],[nG,1,1])},r_=(e,t)=>n=>{var r;if(!n||0===n.length)return;let i=[...e()],o=tx(n)?n:[n];if(o=o.map(e=>tA(e,!0)),r=o,!(Array.isArray(i)&&Array.isArray(r)&&i.length===r.length&&(0===i.length||Array.isArray(i[0])&&Array.isArray(r[0])&&i.every(([e,t,n,i],o)=>{let[a,l,s,c]=r[o];return e===a&&t===l&&n===s&&i===c})))){eJ&&eJ.destroy();try{t(o),eJ=rF()}catch(e){console.error("Invalid colors. Switching back to default colors."),t(i),eJ=rF()}}},rj=r_(()=>t0,e=>{t0=e}),rZ=r_(()=>t1,e=>{t1=e}),rW=r_(()=>t2,e=>{t2=e}),rV=()=>{let e,t,n,r,i,o;if(!(ro||ra))return;let[a,l]=(e=rh(-1,-1),t=rh(1,1),n=(e[0]+1)/2,r=(t[0]+1)/2,i=(e[1]+1)/2,o=(t[1]+1)/2,[[rl+n*rs,rl+r*rs],[rc+i*rd,rc+o*rd]]);ro&&ro.domain(a),ra&&ra.domain(l)},rq=(e,t)=>{nM=Math.max(1,e),tp.height=Math.floor(nM*window.devicePixelRatio),ra&&(ra.range([nM,0]),t||rV())},rU=e=>{if(e===X){nv=e,tp.style.height="100%",window.requestAnimationFrame(()=>{tp&&rq(tp.getBoundingClientRect().height)});return}+e&&!(0>=+e)&&(rq(nv=+e),tp.style.height=`${nv}px`)},rK=()=>{D=ns,ns===X&&(D=Array.isArray(na)?na.reduce((e,t)=>t>e?t:e,-1/0):na)},rG=e=>{let t=Array.isArray(na)?[...na]:na;tl(e,ts,{minLength:1})?na=[...e]:tc(+e)&&(na=[+e]),t===na||u(t,na)||(eQ&&eQ.destroy(),nJ=1/na[0],eQ=rO(),rK())},rH=(e,t)=>{nP=Math.max(1,e),tp.width=Math.floor(nP*window.devicePixelRatio),ro&&(ro.range([0,nP]),t||rV())},rY=e=>{if(e===X){nx=e,tp.style.width="100%",window.requestAnimationFrame(()=>{tp&&rH(tp.getBoundingClientRect().width)});return}+e&&!(0>=+e)&&(rH(nx=+e),tp.style.width=`${nP}px`)},rX=e=>{switch(e){case"valueZ":return rn;case"valueW":return rr;default:return null}},rJ=(e,t)=>e===es?e=>Math.round(e*(t.length-1)):d,rQ=()=>e8,r0=()=>[tp.width,tp.height],r1=()=>eJ,r2=()=>n6,r5=()=>.5/n6,r3=()=>window.devicePixelRatio,r4=()=>ee,r6=()=>eQ,r8=()=>n8,r9=()=>.5/n8,r7=()=>0,ie=()=>q||W,it=()=>nQ,ir=()=>.5/nQ,ii=()=>b(e3,s,b(e3,t.view,c)),io=()=>window.devicePixelRatio,ia=()=>tw(nJ,t.scaling[0])*window.devicePixelRatio,il=()=>t.scaling[0]>1?Math.asinh(tw(1,t.scaling[0]))/Math.asinh(1)*window.devicePixelRatio:tw(nJ,t.scaling[0])*window.devicePixelRatio,is=il;"linear"===ng?is=ia:"constant"===ng&&(is=io);let ic=()=>nj?nZ.size:nV,id=()=>nF.length,iu=()=>id()>0?nh:1,ip=()=>id()>0?nf:1,ih=()=>+("valueZ"===th),im=()=>+("valueW"===th),iy=()=>+("valueZ"===nu),ig=()=>+("valueW"===nu),iv=()=>+("density"===nu),ix=()=>+("valueZ"===nm),iw=()=>+("valueW"===nm),ib=()=>+tr,iA=()=>"valueZ"===th?rn===es?t0.length-1:1:rr===es?t0.length-1:1,iS=()=>"valueZ"===nu?rn===es?nd.length-1:1:rr===es?nd.length-1:1,iP=()=>"valueZ"===nm?rn===es?na.length-1:1:rr===es?na.length-1:1,iM=e=>{if("density"!==nu)return 1;let n=is(),r=na[0]*n,i=2/(2/t.view[0])*(2/(2/t.view[5])),o=e.viewportHeight,a=e.viewportWidth,l=np*a*o/(nq*r*r)*tb(1,i);l*=nR?1:1/(.25*Math.PI);let s=tw(1,r)+.5;return tb(1,tw(0,l*=(r/s)**2))},iE=e6.regl({framebuffer:()=>U,vert:tn,frag:tt,attributes:{position:[-4,0,4,4,4,-4]},uniforms:{startStateTex:()=>V,endStateTex:()=>W,t:(e,t)=>t.t},count:3}),iI=(e,t,n,r=J,i=iu,o=ip)=>e6.regl({frag:nR?te:e7,vert:`
precision highp float;

uniform sampler2D colorTex;
uniform float colorTexRes;
uniform float colorTexEps;
uniform sampler2D stateTex;
uniform float stateTexRes;
uniform float stateTexEps;
uniform float devicePixelRatio;
uniform sampler2D encodingTex;
uniform float encodingTexRes;
uniform float encodingTexEps;
uniform float pointSizeExtra;
uniform float pointOpacityMax;
uniform float pointOpacityScale;
uniform float numPoints;
uniform float globalState;
uniform float isColoredByZ;
uniform float isColoredByW;
uniform float isOpacityByZ;
uniform float isOpacityByW;
uniform float isOpacityByDensity;
uniform float isSizedByZ;
uniform float isSizedByW;
uniform float isPixelAligned;
uniform float colorMultiplicator;
uniform float opacityMultiplicator;
uniform float opacityDensity;
uniform float sizeMultiplicator;
uniform float numColorStates;
uniform float pointScale;
uniform float drawingBufferWidth;
uniform float drawingBufferHeight;
uniform mat4 modelViewProjection;

attribute vec2 stateIndex;

varying vec4 color;
varying float finalPointSize;

void main() {
  vec4 state = texture2D(stateTex, stateIndex);

  if (isPixelAligned < 0.5) {
    gl_Position = modelViewProjection * vec4(state.x, state.y, 0.0, 1.0);
  } else {
    vec4 clipSpacePosition = modelViewProjection * vec4(state.x, state.y, 0.0, 1.0);
    vec2 ndcPosition = clipSpacePosition.xy / clipSpacePosition.w;
    vec2 pixelPos = 0.5 * (ndcPosition + 1.0) * vec2(drawingBufferWidth, drawingBufferHeight);
    pixelPos = floor(pixelPos + 0.5); // Snap to nearest pixel
    vec2 snappedPosition = (pixelPos / vec2(drawingBufferWidth, drawingBufferHeight)) * 2.0 - 1.0;
    gl_Position = vec4(snappedPosition, 0.0, 1.0);
  }


  // Determine color index
  float colorIndexZ =  isColoredByZ * floor(state.z * colorMultiplicator);
  float colorIndexW =  isColoredByW * floor(state.w * colorMultiplicator);

  // Multiply by the number of color states per color
  // I.e., normal, active, hover, background, etc.
  float colorIndex = (colorIndexZ + colorIndexW) * numColorStates;

  // Half a "pixel" or "texel" in texture coordinates
  float colorLinearIndex = colorIndex + globalState;

  // Need to add cEps here to avoid floating point issue that can lead to
  // dramatic changes in which color is loaded as floor(3/2.9999) = 1 but
  // floor(3/3.0001) = 0!
  float colorRowIndex = floor((colorLinearIndex + colorTexEps) / colorTexRes);

  vec2 colorTexIndex = vec2(
    (colorLinearIndex / colorTexRes) - colorRowIndex + colorTexEps,
    colorRowIndex / colorTexRes + colorTexEps
  );

  color = texture2D(colorTex, colorTexIndex);

  // Retrieve point size
  float pointSizeIndexZ = isSizedByZ * floor(state.z * sizeMultiplicator);
  float pointSizeIndexW = isSizedByW * floor(state.w * sizeMultiplicator);
  float pointSizeIndex = pointSizeIndexZ + pointSizeIndexW;

  float pointSizeRowIndex = floor((pointSizeIndex + encodingTexEps) / encodingTexRes);
  vec2 pointSizeTexIndex = vec2(
    (pointSizeIndex / encodingTexRes) - pointSizeRowIndex + encodingTexEps,
    pointSizeRowIndex / encodingTexRes + encodingTexEps
  );
  float pointSize = texture2D(encodingTex, pointSizeTexIndex).x;

  // Retrieve opacity
  ${3===r?"":`
        if (isOpacityByDensity < 0.5) {
          float opacityIndexZ = isOpacityByZ * floor(state.z * opacityMultiplicator);
          float opacityIndexW = isOpacityByW * floor(state.w * opacityMultiplicator);
          float opacityIndex = opacityIndexZ + opacityIndexW;

          float opacityRowIndex = floor((opacityIndex + encodingTexEps) / encodingTexRes);
          vec2 opacityTexIndex = vec2(
            (opacityIndex / encodingTexRes) - opacityRowIndex + encodingTexEps,
            opacityRowIndex / encodingTexRes + encodingTexEps
          );
          color.a = texture2D(encodingTex, opacityTexIndex)[${1+r}];
        } else {
          color.a = min(1.0, opacityDensity + globalState);
        }
      `}

  color.a = min(pointOpacityMax, color.a) * pointOpacityScale;
  finalPointSize = (pointSize * pointScale) + pointSizeExtra;
  gl_PointSize = finalPointSize;
}
`,blend:{enable:!nT,func:{srcRGB:"src alpha",srcAlpha:"one",dstRGB:"one minus src alpha",dstAlpha:"one minus src alpha"}},depth:{enable:!1},attributes:{stateIndex:{buffer:n,size:2}},uniforms:{antiAliasing:rQ,resolution:r0,modelViewProjection:ii,devicePixelRatio:r3,pointScale:()=>is(),encodingTex:r6,encodingTexRes:r8,encodingTexEps:r9,pointOpacityMax:i,pointOpacityScale:o,pointSizeExtra:e,globalState:r,colorTex:r1,colorTexRes:r2,colorTexEps:r5,stateTex:ie,stateTexRes:it,stateTexEps:ir,isColoredByZ:ih,isColoredByW:im,isOpacityByZ:iy,isOpacityByW:ig,isOpacityByDensity:iv,isSizedByZ:ix,isSizedByW:iw,isPixelAligned:ib,colorMultiplicator:iA,opacityMultiplicator:iS,opacityDensity:iM,sizeMultiplicator:iP,numColorStates:4,drawingBufferWidth:e=>e.drawingBufferWidth,drawingBufferHeight:e=>e.drawingBufferHeight},count:t,primitive:"points"}),iC=iI(r7,ic,()=>K),iR=iI(r7,()=>1,()=>et,2,()=>1,()=>1),iT=iI(()=>(nl+2*nc)*window.devicePixelRatio,id,r4,1,()=>1,()=>1),iL=iI(()=>(nl+nc)*window.devicePixelRatio,id,r4,3,()=>1,()=>1),iz=iI(()=>nl*window.devicePixelRatio,id,r4,1,()=>1,()=>1),iB=e6.regl({frag:H,vert:Y,attributes:{position:[0,1,0,0,1,0,0,1,1,1,1,0]},uniforms:{modelViewProjection:ii,texture:()=>ta},count:6}),iD=e6.regl({vert:`
      precision mediump float;
      uniform mat4 modelViewProjection;
      attribute vec2 position;
      void main () {
        gl_Position = modelViewProjection * vec4(position, 0, 1);
      }`,frag:`
      precision mediump float;
      uniform vec4 color;
      void main () {
        gl_FragColor = vec4(color.rgb, 0.2);
      }`,depth:{enable:!1},blend:{enable:!0,func:{srcRGB:"src alpha",srcAlpha:"one",dstRGB:"one minus src alpha",dstAlpha:"one minus src alpha"}},attributes:{position:()=>nK},uniforms:{modelViewProjection:ii,color:()=>tv},elements:()=>(function(e,t=2){let n,r,i,o=e.length,a=function(e,t,n,r){let i;if(r===function(e,t,n,r){let i=0;for(let o=t,a=n-r;o<n;o+=r)i+=(e[a]-e[o])*(e[o+1]+e[a+1]),a=o;return i}(e,0,t,n)>0)for(let r=0;r<t;r+=n)i=O(r/n|0,e[r],e[r+1],i);else for(let r=t-n;r>=0;r-=n)i=O(r/n|0,e[r],e[r+1],i);return i&&L(i,i.next)&&(k(i),i=i.next),i}(e,o,t,!0),l=[];if(!a||a.next===a.prev)return l;if(e.length>80*t){n=e[0],r=e[1];let a=n,l=r;for(let i=t;i<o;i+=t){let t=e[i],o=e[i+1];t<n&&(n=t),o<r&&(r=o),t>a&&(a=t),o>l&&(l=o)}i=0!==(i=Math.max(a-n,l-r))?32767/i:0}return function e(t,n,r,i,o,a,l){if(!t)return;!l&&a&&function(e,t,n,r){let i=e;do 0===i.z&&(i.z=C(i.x,i.y,t,n,r)),i.prevZ=i.prev,i.nextZ=i.next,i=i.next;while(i!==e);i.prevZ.nextZ=null,i.prevZ=null,function(e){let t,n=1;do{let r,i=e;e=null;let o=null;for(t=0;i;){t++;let a=i,l=0;for(let e=0;e<n&&(l++,a=a.nextZ);e++);let s=n;for(;l>0||s>0&&a;)0!==l&&(0===s||!a||i.z<=a.z)?(r=i,i=i.nextZ,l--):(r=a,a=a.nextZ,s--),o?o.nextZ=r:e=r,r.prevZ=o,o=r;i=a}o.nextZ=null,n*=2}while(t>1)}(i)}(t,i,o,a);let s=t;for(;t.prev!==t.next;){let c=t.prev,d=t.next;if(a?function(e,t,n,r){let i=e.prev,o=e.next;if(T(i,e,o)>=0)return!1;let a=i.x,l=e.x,s=o.x,c=i.y,d=e.y,u=o.y,p=Math.min(a,l,s),h=Math.min(c,d,u),f=Math.max(a,l,s),m=Math.max(c,d,u),y=C(p,h,t,n,r),g=C(f,m,t,n,r),v=e.prevZ,x=e.nextZ;for(;v&&v.z>=y&&x&&x.z<=g;){if(v.x>=p&&v.x<=f&&v.y>=h&&v.y<=m&&v!==i&&v!==o&&R(a,c,l,d,s,u,v.x,v.y)&&T(v.prev,v,v.next)>=0||(v=v.prevZ,x.x>=p&&x.x<=f&&x.y>=h&&x.y<=m&&x!==i&&x!==o&&R(a,c,l,d,s,u,x.x,x.y)&&T(x.prev,x,x.next)>=0))return!1;x=x.nextZ}for(;v&&v.z>=y;){if(v.x>=p&&v.x<=f&&v.y>=h&&v.y<=m&&v!==i&&v!==o&&R(a,c,l,d,s,u,v.x,v.y)&&T(v.prev,v,v.next)>=0)return!1;v=v.prevZ}for(;x&&x.z<=g;){if(x.x>=p&&x.x<=f&&x.y>=h&&x.y<=m&&x!==i&&x!==o&&R(a,c,l,d,s,u,x.x,x.y)&&T(x.prev,x,x.next)>=0)return!1;x=x.nextZ}return!0}(t,i,o,a):function(e){let t=e.prev,n=e.next;if(T(t,e,n)>=0)return!1;let r=t.x,i=e.x,o=n.x,a=t.y,l=e.y,s=n.y,c=Math.min(r,i,o),d=Math.min(a,l,s),u=Math.max(r,i,o),p=Math.max(a,l,s),h=n.next;for(;h!==t;){if(h.x>=c&&h.x<=u&&h.y>=d&&h.y<=p&&R(r,a,i,l,o,s,h.x,h.y)&&T(h.prev,h,h.next)>=0)return!1;h=h.next}return!0}(t)){n.push(c.i,t.i,d.i),k(t),t=d.next,s=d.next;continue}if((t=d)===s){l?1===l?e(t=function(e,t){let n=e;do{let r=n.prev,i=n.next.next;!L(r,i)&&z(r,n,n.next,i)&&$(r,i)&&$(i,r)&&(t.push(r.i,n.i,i.i),k(n),k(n.next),n=e=i),n=n.next}while(n!==e);return I(n)}(I(t),n),n,r,i,o,a,2):2===l&&function(t,n,r,i,o,a){let l=t;do{let t=l.next.next;for(;t!==l.prev;){var s,c;if(l.i!==t.i&&(s=l,c=t,s.next.i!==c.i&&s.prev.i!==c.i&&!function(e,t){let n=e;do{if(n.i!==e.i&&n.next.i!==e.i&&n.i!==t.i&&n.next.i!==t.i&&z(n,n.next,e,t))return!0;n=n.next}while(n!==e);return!1}(s,c)&&($(s,c)&&$(c,s)&&function(e,t){let n=e,r=!1,i=(e.x+t.x)/2,o=(e.y+t.y)/2;do n.y>o!=n.next.y>o&&n.next.y!==n.y&&i<(n.next.x-n.x)*(o-n.y)/(n.next.y-n.y)+n.x&&(r=!r),n=n.next;while(n!==e);return r}(s,c)&&(T(s.prev,s,c.prev)||T(s,c.prev,c))||L(s,c)&&T(s.prev,s,s.next)>0&&T(c.prev,c,c.next)>0))){let s=function(e,t){let n=F(e.i,e.x,e.y),r=F(t.i,t.x,t.y),i=e.next,o=t.prev;return e.next=t,t.prev=e,n.next=i,i.prev=n,r.next=n,n.prev=r,o.next=r,r.prev=o,r}(l,t);l=I(l,l.next),s=I(s,s.next),e(l,n,r,i,o,a,0),e(s,n,r,i,o,a,0);return}t=t.next}l=l.next}while(l!==t)}(t,n,r,i,o,a):e(I(t),n,r,i,o,a,1);break}}}(a,l,t,n,r,i,0),l})(n.getPoints())}),i$=()=>{if(null===ny){n1=null,n2=null;return}let e=new Set,t=[];for(let n=0;n<ny.length;n++){let r=ny[n];Number.isFinite(r)&&r>=0&&r<nV&&!e.has(r)&&(t.push(r),e.add(r))}for(let n=0;n<nV;n++)e.has(n)||t.push(n);n1=t,n2=new Float32Array(2*t.length);let n=0;for(let e=0;e<t.length;e++){let r=rb(t[e]);n2[n]=r[0],n2[n+1]=r[1],n+=2}},iO=e=>null!==n2?n2:(e=>{let t=new Float32Array(2*e),n=0;for(let r=0;r<e;++r){let e=rb(r);t[n]=e[0],t[n+1]=e[1],n+=2}return t})(e),ik=(e,t={})=>{let n=e.length;n0=.5/(nQ=Math.max(2,Math.ceil(Math.sqrt(n))));let r=new Float32Array(nQ**2*4),i=!0,o=!0,a=0,l=0,s=0;for(let t=0;t<n;++t)r[a=4*t]=e[t][0],r[a+1]=e[t][1],l=e[t][2]||0,s=e[t][3]||0,r[a+2]=l,r[a+3]=s,i&&=Number.isInteger(l),o&&=Number.isInteger(s);return rn=t.z&&ed.includes(t.z)?t.z:i?ec:es,rr=t.w&&ed.includes(t.w)?t.w:o?ec:es,e6.regl.texture({data:r,shape:[nQ,nQ,4],type:"float"})},iF=(e,t={})=>new Promise(n=>{n7=!1;let r=t?.preventFilterReset&&e.length===nV,o=nV;nq=nV=e.length,o>0&&nV!==o&&(ny=null,n1=null,n2=null),W&&W.destroy(),W=ik(e,{z:t.zDataType,w:t.wDataType}),r||(i$(),K({usage:"static",type:"float",data:iO(nV)})),eY(t.spatialIndex||e,{useWorker:nC}).then(t=>{i=t,nW=e,n7=!0}).then(n)}),iN=(e,n)=>{e_=t.target,ej=e,eK=t.distance[0],eG=n},i_=e=>new Promise(t=>{h.setPoints([]),e?.length>0?(m=!0,((e,t={tolerance:.002,maxIntPointsPerSegment:100})=>new Promise((n,r)=>{let i=new Worker(window.URL.createObjectURL(new Blob([`(${tz.toString()})()`],{type:"text/javascript"})));i.onmessage=e=>{e.data.error?r(e.data.error):n(e.data.points),i.terminate()},i.postMessage({points:e,options:t})}))(e,{maxIntPointsPerSegment:ni,tolerance:no}).then(e=>{let n;f=[],n=0,Object.keys(e).forEach((t,r)=>{f[t]=[r,e[t].reference,e[t].length/2,n],n+=e[t].length/2});let r=Object.values(e);h.setPoints(1===r.length?r[0]:r,{colorIndices:(e=>{let t="inherit"===t8?th:t8;if("segment"===t){let t=t3.length-1;return t<1?[]:e.reduce((e,n,r)=>{let i=0,o=[];for(let e=2;e<n.length;e+=2){let t=Math.sqrt((n[e-2]-n[e])**2+(n[e-1]-n[e+1])**2);o.push(t),i+=t}e[r]=[0];let a=0;for(let l=0;l<n.length/2-1;l++)a+=o[l],e[r].push(4*Math.floor(a/i*t));return e},[])}if(t){let e=tO(t),n=rJ(rX(t),"inherit"===t8?t0:t3);return f.reduce((t,[r,i])=>(t[r]=4*n(i[e]),t),[])}return Array(f.length).fill(0)})(r),opacities:(()=>{let e="inherit"===t7?nu:t7;if("segment"===e){let e=t9.length-1;return e<1?[]:f.reduce((t,[n,r,i])=>(t[n]=p(i,t=>t9[Math.floor(t/(i-1)*e)]),t),[])}if(e){let t=tO(e),n="inherit"===t7?nd:t9,r=rJ(rX(e),n);return f.reduce((e,[i,o])=>(e[i]=n[r(o[t])],e),[])}})(),widths:(()=>{let e="inherit"===nr?nm:nr;if("segment"===e){let e=nt.length-1;return e<1?[]:f.reduce((t,[n,r,i])=>(t[n]=p(i,t=>nt[Math.floor(t/(i-1)*e)]),t),[])}if(e){let t=tO(e),n="inherit"===nr?na:nt,r=rJ(rX(e),n);return f.reduce((e,[i,o])=>(e[i]=n[r(o[t])],e),[])}})()}),m=!1,t()})):t()}),ij=(e,{preventEvent:t=!1}={})=>{let n;nj=!0,nZ.clear();let r=Array.isArray(e)?e:[e],i=[],o=[],a=[];for(let e of r)Number.isFinite(e)&&!(e<0)&&!(e>=nV)&&(i.push(e),nZ.add(e),nN.has(e)&&a.push(e));if(null!==n1){n=[];for(let e=0;e<n1.length;e++)nZ.has(n1[e])&&n.push(n1[e])}else n=tT([...i]);for(let e of n)o.push.apply(o,rb(e));return K.subdata(o),rP(a,{preventEvent:t}),nZ.has(e0)||rM(-1,{preventEvent:t}),new Promise(e=>{let n=()=>{e2.subscribe("draw",()=>{t||e2.publish("filter",{points:i}),e()},1),nY=!0};t5||rx(nW[0])?i_(rm()).then(()=>{t||e2.publish("pointConnectionsDraw"),rP(a,{preventEvent:t}),n()}):n()})},iZ=()=>ry(j[0],j[1],_[0],_[1]),iW=y(()=>{nq=iZ().length},nI),iV=({duration:e=500,easing:t=el})=>{n5&&e2.publish("transitionEnd"),n5=!0,n3=null,eH=e,eX=ty(t)?ea[t]||el:t,n4=tJ,tJ=!1,e2.publish("transitionStart")},iq=e=>nz?Promise.reject(new eU):new Promise((re=!1,0===e.length)?e=>{r.clear(),e2.subscribe("draw",e,1),re=!0,nY=!0}:t=>{let n=[],i=new Map,o=[],a=[],l=-1,s=e=>{a.push(e.lineWidth||nb);let t=tA(e.lineColor||nw,!0),n=`[${t.join(",")}]`;if(i.has(n)){let{idx:e}=i.get(n);o.push(e)}else{let e=++l;i.set(n,{idx:e,color:t}),o.push(e)}};for(let t of e){if(tM(t)){n.push([t.x1??-nA,t.y,t.x2??nA,t.y]),s(t);continue}if(tE(t)){n.push([t.x,t.y1??-nA,t.x,t.y2??nA]),s(t);continue}if(tC(t)){n.push([t.x1,t.y1,t.x2,t.y1,t.x2,t.y2,t.x1,t.y2,t.x1,t.y1]),s(t);continue}if(tI(t)){n.push([t.x,t.y,t.x+t.width,t.y,t.x+t.width,t.y+t.height,t.x,t.y+t.height,t.x,t.y]),s(t);continue}tR(t)&&(n.push(t.vertices.flatMap(d)),s(t))}r.setStyle({color:Array.from(i.values()).sort((e,t)=>e.idx>t.idx?1:-1).map(({color:e})=>e)}),r.setPoints(1===n.length?n.flat():n,{colorIndices:o,widths:a}),e2.subscribe("draw",t,1),re=!0,nY=!0}),iU=e=>(...t)=>{let n=e(...t);return nY=!0,new Promise(e=>{e2.subscribe("draw",()=>e(n),1)})},iK=(e,n={})=>new Promise(r=>{let i=P([],[e.x+e.width/2,e.y+e.height/2,0,0],c).slice(0,2),a=2*Math.atan(1),l=o/nG,s=e.height*l>=e.width?e.height/2/Math.tan(a/2):e.width/2/Math.tan(a/2)/l;n.transition?(t.config({isFixed:!0}),iN(i,s),e2.subscribe("transitionEnd",()=>{r(),t.config({isFixed:nS})},1),iV({duration:n.transitionDuration,easing:n.transitionEasing})):(t.lookAt(i,s),e2.subscribe("draw",r,1),nY=!0)}),iG=(e,n,r={})=>new Promise(i=>{r.transition?(t.config({isFixed:!0}),iN(e,n),e2.subscribe("transitionEnd",()=>{i(),t.config({isFixed:nS})},1),iV({duration:r.transitionDuration,easing:r.transitionEasing})):(t.lookAt(e,n),e2.subscribe("draw",i,1),nY=!0)}),iH=()=>{h.setStyle({color:rk(t3,t4,t6),opacity:null===t9?null:t9[0],width:nt[0]})},iY=()=>{let e=Math.round(nB)>.5?0:255;rC.initiator.style.border=`1px dashed rgba(${e}, ${e}, ${e}, 0.33)`,rC.initiator.style.background=`rgba(${e}, ${e}, ${e}, 0.1)`},iX=()=>{let e=Math.round(nB)>.5?0:255;rC.longPressIndicator.style.color=`rgb(${e}, ${e}, ${e})`,rC.longPressIndicator.dataset.color=`rgb(${e}, ${e}, ${e})`;let t=tv.map(e=>Math.round(255*e));rC.longPressIndicator.dataset.activeColor=`rgb(${t[0]}, ${t[1]}, ${t[2]})`},iJ=e=>{e&&t.setView(e)},iQ=(e,t)=>n=>{"inherit"===n?e([...t()]):e((tx(n)?n:[n]).map(e=>tA(e,!0))),iH()},i0=iQ(e=>{t3=e},()=>t0),i1=iQ(e=>{t4=e},()=>t1),i2=iQ(e=>{t6=e},()=>t2),i5=e=>{e8=Number(e)||.5},i3=e=>{tr=!!e},i4=(e={})=>{var r,i,o,a,l,s,c,d,p,h,f,m,y,v,x,w,b,A,S,P,M,E,I,C;let R;return nz?Promise.reject(Error(eU)):(tD(e),(void 0!==e.backgroundColor||void 0!==e.background)&&(r=e.backgroundColor||e.background)&&(nB=tS(ti=tA(r,!0)),iY(),iX()),void 0!==e.backgroundImage&&((i=e.backgroundImage)?ty(i)?tu(e6.regl,i).then(e=>{ta=e,nY=!0,e2.publish("backgroundImageReady")}).catch(()=>{console.error(`Count not create texture from ${i}`),ta=null}):ta="texture2d"===i._reglType?i:null:ta=null),void 0!==e.cameraTarget&&(o=e.cameraTarget)&&t.lookAt(o,t.distance[0],t.rotation),void 0!==e.cameraDistance&&(a=e.cameraDistance)>0&&t.lookAt(t.target,a,t.rotation),void 0!==e.cameraRotation&&null!==(l=e.cameraRotation)&&t.lookAt(t.target,t.distance[0],l),void 0!==e.cameraView&&iJ(e.cameraView),void 0!==e.cameraIsFixed&&(nS=!!e.cameraIsFixed,t.config({isFixed:nS})),void 0!==e.colorBy&&(th=t$(e.colorBy,null)),void 0!==e.pointColor&&rj(e.pointColor),void 0!==e.pointColorActive&&rZ(e.pointColorActive),void 0!==e.pointColorHover&&rW(e.pointColorHover),void 0!==e.pointSize&&rG(e.pointSize),void 0!==e.pointSizeSelected&&+(s=e.pointSizeSelected)&&!(0>+s)&&(nl=+s),void 0!==e.pointSizeMouseDetection&&(ns=e.pointSizeMouseDetection,rK()),void 0!==e.sizeBy&&(nm=t$(e.sizeBy,null)),void 0!==e.pointOrder&&(e=>{if(null==e)ny=null;else{if(!Array.isArray(e))return;ny=e}if(n7)if(i$(),nj){let e=[];if(null!==n1)for(let t=0;t<n1.length;t++)nZ.has(n1[t])&&e.push.apply(e,rb(n1[t]));else for(let t of tT([...nZ]))e.push.apply(e,rb(t));K.subdata(e)}else K.subdata(iO(nV))})(e.pointOrder),(void 0!==e.opacity&&(c=e.opacity,R=Array.isArray(nd)?[...nd]:nd,tl(c,ts,{minLength:1})?nd=[...c]:tc(+c)&&(nd=[+c]),R===nd||u(R,nd)||(eQ&&eQ.destroy(),eQ=rO())),void 0!==e.showPointConnections&&((t5=!!e.showPointConnections)?n7&&rx(nW[0])&&i_(rm()).then(()=>{e2.publish("pointConnectionsDraw"),nY=!0}):i_()),void 0!==e.pointConnectionColor&&i0(e.pointConnectionColor),void 0!==e.pointConnectionColorActive&&i1(e.pointConnectionColorActive),void 0!==e.pointConnectionColorHover&&i2(e.pointConnectionColorHover),void 0!==e.pointConnectionColorBy&&(t8=t$(e.pointConnectionColorBy,null,{allowSegment:!0,allowInherit:!0})),void 0!==e.pointConnectionOpacityBy&&(t7=t$(e.pointConnectionOpacityBy,null,{allowSegment:!0})),void 0!==e.pointConnectionOpacity&&(tl(d=e.pointConnectionOpacity,ts,{minLength:1})&&(t9=[...d]),tc(+d)&&(t9=[+d]),t3=t3.map(e=>(e[3]=Number.isNaN(+t9[0])?e[3]:+t9[0],e)),iH()),void 0!==e.pointConnectionOpacityActive&&!Number.isNaN(+(p=e.pointConnectionOpacityActive))&&+p&&(ne=+p),void 0!==e.pointConnectionSize&&(tl(h=e.pointConnectionSize,ts,{minLength:1})&&(nt=[...h]),tc(+h)&&(nt=[+h]),iH()),void 0!==e.pointConnectionSizeActive&&!Number.isNaN(+(f=e.pointConnectionSizeActive))&&+f&&(nn=Math.max(0,f)),void 0!==e.pointConnectionSizeBy&&(nr=t$(e.pointConnectionSizeBy,null,{allowSegment:!0})),void 0!==e.pointConnectionMaxIntPointsPerSegment&&(ni=Math.max(0,e.pointConnectionMaxIntPointsPerSegment)),void 0!==e.pointConnectionTolerance&&(no=Math.max(0,e.pointConnectionTolerance)),void 0!==e.pointScaleMode&&(e=>{switch(e){case"linear":ng=e,is=ia;break;case"constant":ng=e,is=io;break;default:ng="asinh",is=il}})(e.pointScaleMode),void 0!==e.opacityBy&&(nu=t$(e.opacityBy,null,{allowDensity:!0})),void 0!==e.lassoColor&&(e=>{if(!e)return;tv=tA(e,!0),n.setStyle({color:tv});let t=tv.map(e=>Math.round(255*e));rC.longPressIndicator.dataset.activeColor=`rgb(${t[0]}, ${t[1]}, ${t[2]})`})(e.lassoColor),void 0!==e.lassoLineWidth&&(Number.isNaN(+(m=e.lassoLineWidth))||1>+m||(tB=+m,n.setStyle({width:tB}))),void 0!==e.lassoMinDelay&&+(y=e.lassoMinDelay)&&(tk=+y,rC.set({minDelay:tk})),void 0!==e.lassoMinDist&&+(v=e.lassoMinDist)&&(tF=+v,rC.set({minDist:tF})),void 0!==e.lassoClearEvent&&(x=e.lassoClearEvent,tN=td(eh,tN)(x)),void 0!==e.lassoInitiator&&(t_=!!e.lassoInitiator,rC.set({enableInitiator:t_})),void 0!==e.lassoInitiatorParentElement&&(tj=e.lassoInitiatorParentElement,rC.set({initiatorParentElement:tj})),void 0!==e.lassoLongPressIndicatorParentElement&&(tZ=e.lassoLongPressIndicatorParentElement,rC.set({longPressIndicatorParentElement:tZ})),void 0!==e.lassoOnLongPress&&(tW=!!e.lassoOnLongPress),void 0!==e.lassoLongPressTime&&(tV=Number(e.lassoLongPressTime)),void 0!==e.lassoLongPressAfterEffectTime&&(tq=Number(e.lassoLongPressAfterEffectTime)),void 0!==e.lassoLongPressEffectDelay&&(tU=Number(e.lassoLongPressEffectDelay)),void 0!==e.lassoLongPressRevertEffectTime&&(tK=Number(e.lassoLongPressRevertEffectTime)),void 0!==e.lassoType&&("brush"===(w=e.lassoType)?rC.set({type:w,minDist:Math.max(3,tF)}):rC.set({type:w,minDist:tF}),tG=rC.get("type")),void 0!==e.lassoBrushSize&&(tH=Number(e.lassoBrushSize)||tH,rC.set({brushSize:tH})),void 0!==e.actionKeyMap&&((tY=Object.entries(e.actionKeyMap).reduce((e,[t,n])=>(eI.includes(n)&&eS.includes(t)&&(e[t]=n),e),{}))[ew]?t.config({isRotate:!0,mouseDownMoveModKey:tY[ew]}):t.config({isRotate:!1})),void 0!==e.mouseMode&&(b=e.mouseMode,tX=td(eo,en)(b),t.config({defaultMouseDownMoveAction:tX===ei?"rotate":"pan"})),void 0!==e.showReticle&&null!==(A=e.showReticle)&&(tJ=A),void 0!==e.reticleColor&&(S=e.reticleColor)&&(tQ=tA(S,!0),g.setStyle({color:tQ}),B.setStyle({color:tQ})),void 0!==e.pointOutlineWidth&&+(P=e.pointOutlineWidth)&&!(0>+P)&&(nc=+P),void 0!==e.height&&rU(e.height),void 0!==e.width&&rY(e.width),void 0!==e.aspectRatio&&(0>=+(M=e.aspectRatio)||(nG=M)),void 0!==e.xScale&&(E=e.xScale)&&(ro=E,rl=E.domain()[0],rs=E?E.domain()[1]-E.domain()[0]:0,ro.range([0,nP]),rV()),void 0!==e.yScale&&(I=e.yScale)&&(rc=(ra=I).domain()[0],rd=ra?ra.domain()[1]-ra.domain()[0]:0,ra.range([nM,0]),rV()),void 0!==e.deselectOnDblClick&&(tf=!!e.deselectOnDblClick),void 0!==e.deselectOnEscape&&(tg=!!e.deselectOnEscape),void 0!==e.opacityByDensityFill&&(np=+e.opacityByDensityFill),void 0!==e.opacityInactiveMax&&(nh=+e.opacityInactiveMax),void 0!==e.opacityInactiveScale&&(nf=+e.opacityInactiveScale),void 0!==e.gamma&&(C=e.gamma,e6.gamma=C),void 0!==e.annotationLineColor&&(nw=tA(e.annotationLineColor)),void 0!==e.annotationLineWidth&&(nb=+e.annotationLineWidth),void 0!==e.annotationHVLineLimit&&(nA=+e.annotationHVLineLimit),void 0!==e.antiAliasing&&i5(e.antiAliasing),void 0!==e.pixelAligned&&i3(e.pixelAligned),nx!==X&&nv!==X)?(!nz&&tp&&(rN(),t.refresh(),e6.refresh(),oo()),Promise.resolve()):new Promise(e=>{window.requestAnimationFrame(()=>{!nz&&tp&&(rN(),t.refresh(),e6.refresh(),oo(),e())})}))},i6=()=>{t||(t=((e,{distance:t=1,target:n=[0,0],rotation:r=0,isNdc:i=!0,isFixed:o=!1,isPan:a=!0,isPanInverted:l=[!1,!0],panSpeed:s=1,isRotate:c=!0,rotateSpeed:d=1,defaultMouseDownMoveAction:u="pan",mouseDownMoveModKey:p="alt",isZoom:h=!0,zoomSpeed:f=1,viewCenter:m,scaleBounds:y,translationBounds:g,onKeyDown:x=()=>{},onKeyUp:I=()=>{},onMouseDown:C=()=>{},onMouseUp:R=()=>{},onMouseMove:T=()=>{},onWheel:L=()=>{}}={})=>{let z=((e=[0,0],t=1,n=0,r=[0,0],i=[[0,1/0],[0,1/0]],o=[[-1/0,1/0],[-1/0,1/0]])=>{let a=new Float32Array(16),l=new Float32Array(16),s=new Float32Array(16),c=v(),d=[...r.slice(0,2),0,1],u=Array.isArray(i[0])?[...i[0]]:[...i],p=Array.isArray(i[0])?[...i[1]]:[...i],h=Array.isArray(o[0])?[...o[0]]:[...o],f=Array.isArray(o[0])?[...o[1]]:[...o],m=()=>{var e,t,n,r,i,o,l,s,d,u;return(t=(e=c)[0],n=e[1],r=e[2],i=e[4],o=e[5],l=e[6],s=e[8],d=e[9],u=e[10],a[0]=Math.sqrt(t*t+n*n+r*r),a[1]=Math.sqrt(i*i+o*o+l*l),a[2]=Math.sqrt(s*s+d*d+u*u),a).slice(0,2)},y=()=>{let e=m();return Math.min(e[0],e[1])},g=()=>{let e=m();return Math.max(e[0],e[1])},x=([e=0,t=0]=[],n=1,r=0)=>{c=v(),M([-e,-t]),I(r),E(1/n)},M=([e=0,t=0]=[])=>{a[0]=e,a[1]=t,a[2]=0;let n=A(l,a);b(c,n,c)},E=(e,t)=>{let n=Array.isArray(e),r=n?e[0]:e,i=n?e[1]:e;if(r<=0||i<=0||1===r&&1===i)return;let o=m(),h=o[0]*r,f=o[1]*i;if(r=Math.max(u[0],Math.min(h,u[1]))/o[0],i=Math.max(p[0],Math.min(f,p[1]))/o[1],1===r&&1===i)return;a[0]=r,a[1]=i,a[2]=1;let y=S(l,a),g=A(a,t?[...t,0]:d);b(c,g,b(c,y,b(c,w(s,g),c)))},I=e=>{var t,n,r,i,o,a,l;let s=v();i=0,(l=Math.sqrt(i*i+(o=0)*o+(a=1)*a))<1e-6||(i*=l=1/l,o*=l,a*=l,t=Math.sin(e),r=1-(n=Math.cos(e)),s[0]=i*i*r+n,s[1]=o*i*r+a*t,s[2]=a*i*r-o*t,s[3]=0,s[4]=i*o*r-a*t,s[5]=o*o*r+n,s[6]=a*o*r+i*t,s[7]=0,s[8]=i*a*r+o*t,s[9]=o*a*r-i*t,s[10]=a*a*r+n,s[11]=0,s[12]=0,s[13]=0,s[14]=0,s[15]=1),b(c,s,c)},C=e=>{e&&!(e.length<16)&&(c=e)};return x(e,t,n),{get translation(){var e;return(e=c,a[0]=e[12],a[1]=e[13],a[2]=e[14],a).slice(0,2)},get target(){return P(a,d,w(s,c)).slice(0,2)},get scaling(){return m()},get minScaling(){return y()},get maxScaling(){return g()},get scaleBounds(){return[[...u],[...p]]},get translationBounds(){return[[...h],[...f]]},get distance(){let e;return[1/(e=m())[0],1/e[1]]},get minDistance(){return 1/y()},get maxDistance(){return 1/g()},get rotation(){return Math.acos(c[0]/g())},get view(){return c},get viewCenter(){return d.slice(0,2)},lookAt:x,translate:M,pan:M,rotate:I,scale:E,zoom:E,reset:()=>{x(e,t,n)},set:(...e)=>(console.warn("`set()` is deprecated. Please use `setView()` instead."),C(...e)),setScaleBounds:e=>{let t=Array.isArray(e[0]);u[0]=t?e[0][0]:e[0],u[1]=t?e[0][1]:e[1],p[0]=t?e[1][0]:e[0],p[1]=t?e[1][1]:e[1]},setTranslationBounds:e=>{let t=Array.isArray(e[0]);h[0]=t?e[0][0]:e[0],h[1]=t?e[0][1]:e[1],f[0]=t?e[1][0]:e[0],f[1]=t?e[1][1]:e[1]},setView:C,setViewCenter:e=>{d=[...e.slice(0,2),0,1]}}})(n,t,r,m,y,g),B=0,D=0,$=0,O=0,k=0,F=0,N=!1,_=0,j=1,Z=1,W=1,V=!1,q=!1,U=!1,K="pan"===u,G=a,H=a,Y=l,X=l,J=h,Q=h,ee=()=>{G=Array.isArray(a)?!!a[0]:a,H=Array.isArray(a)?!!a[1]:a,Y=Array.isArray(l)?!!l[0]:l,X=Array.isArray(l)?!!l[1]:l,J=Array.isArray(h)?!!h[0]:h,Q=Array.isArray(h)?!!h[1]:h};ee();let et=i?e=>e/j*2*W:e=>e,en=i?e=>e/Z*2:e=>-e,er=i?e=>(-1+e/j*2)*W:e=>e,ei=i?e=>1-e/Z*2:e=>e,eo=()=>{let t=e.getBoundingClientRect();j=t.width,Z=t.height,W=j/Z},ea=e=>{U=!1,I(e)},el=e=>{U=e[E[p]],x(e)},es=e=>{N=!1,R(e)},ec=e=>{N=1===e.buttons,C(e)},ed=void 0!==document.createEvent("MouseEvent").offsetX?e=>{$=e.offsetX,O=e.offsetY}:t=>{let n=e.getBoundingClientRect();$=t.clientX-n.left,O=t.clientY-n.top},eu=e=>{B=e.clientX,D=e.clientY},ep=e=>{eu(e),T(e)},eh=e=>{if((J||Q)&&!o){e.preventDefault(),eu(e),ed(e);let t=1===e.deltaMode?12:1;_+=t*(e.deltaY||e.deltaX||0)}L(e)};window.addEventListener("keydown",el,{passive:!0}),window.addEventListener("keyup",ea,{passive:!0}),e.addEventListener("mousedown",ec,{passive:!0}),window.addEventListener("mouseup",es,{passive:!0}),window.addEventListener("mousemove",ep,{passive:!0}),e.addEventListener("wheel",eh,{passive:!1}),z.config=({defaultMouseDownMoveAction:e=null,isFixed:t=null,isPan:n=null,isPanInverted:r=null,isRotate:i=null,isZoom:m=null,panSpeed:y=null,rotateSpeed:g=null,zoomSpeed:v=null,mouseDownMoveModKey:x=null}={})=>{K="pan"===(u=null!==e&&M.includes(e)?e:u),o=null!==t?t:o,a=null!==n?n:a,l=null!==r?r:l,c=null!==i?i:c,h=null!==m?m:h,s=+y>0?y:s,d=+g>0?g:d,f=+v>0?v:f,ee(),p=null!==x&&Object.keys(E).includes(x)?x:p},z.dispose=()=>{z=void 0,window.removeEventListener("keydown",el),window.removeEventListener("keyup",ea),e.removeEventListener("mousedown",ec),window.removeEventListener("mouseup",es),window.removeEventListener("mousemove",ep),e.removeEventListener("wheel",eh)},z.refresh=eo,z.tick=()=>{if(o){let e=q;return q=!1,e}V=!1;let e=B,t=D;if((G||H)&&N&&(K&&!U||!K&&U)){let n=Y?k-e:e-k,r=G?et(s*n):0,i=X?F-t:t-F,o=H?en(s*i):0;(0!==r||0!==o)&&(z.pan([r,o]),V=!0)}if((J||Q)&&_){let e=f*Math.exp(_/Z),t=er($),n=ei(O);z.scale([J?1/e:1,Q?1/e:1],[t,n]),V=!0}if(c&&N&&(K&&U||!K&&!U)&&Math.abs(k-e)+Math.abs(F-t)>0){var n,r,i,a,l,u;let o=j/2,s=Z/2,c=k-o,p=s-F,h=e-o,f=s-t,m=(n=[c,p],r=[h,f],i=n[0],a=n[1],Math.abs(Math.atan2(a*(l=r[0])-i*(u=r[1]),i*l+a*u)));z.rotate(d*m*Math.sign(c*f-h*p)),V=!0}_=0,k=e,F=t;let p=V||q;return q=!1,p};let ef=e=>function(){e.apply(null,arguments),q=!0};return z.lookAt=ef(z.lookAt),z.translate=ef(z.translate),z.pan=ef(z.pan),z.rotate=ef(z.rotate),z.scale=ef(z.scale),z.zoom=ef(z.zoom),z.reset=ef(z.reset),z.set=ef(z.set),z.setScaleBounds=ef(z.setScaleBounds),z.setTranslationBounds=ef(z.setTranslationBounds),z.setView=ef(z.setView),z.setViewCenter=ef(z.setViewCenter),eo(),z})(tp,{isFixed:nS,isPanInverted:[!1,!0],defaultMouseDownMoveAction:tX===ei?"rotate":"pan"})),e.cameraView?t.setView(x(e.cameraView)):e.cameraTarget||e.cameraDistance||e.cameraRotation?t.lookAt([...e.cameraTarget||ek],e.cameraDistance||1,e.cameraRotation||0):t.setView(x(eF)),_=rh(1,1),j=rh(-1,-1)},i8=({key:e})=>{"Escape"===e&&tg&&rS()},i9=()=>{ri=!0,rt=!0},i7=()=>{rM(),ri=!1,rt=!0,nY=!0},oe=()=>{nY=!0},ot=()=>{iF([]),h.clear()},on=()=>{iq([])},or=()=>{let e=nx===X,n=nv===X;if(e||n){let{width:t,height:r}=tp.getBoundingClientRect();e&&rH(t,!0),n&&rq(r,!0),rN(),rV(),nY=!0}t.refresh()},oi=e6.onFrame(()=>{var e,i;let a,l;if(n9=t.tick(),!((n7||re)&&(nY||n5)))return;n5&&(e=eH,i=eX,n3||(n3=performance.now()),l=Math.min(1,Math.max(0,i((a=performance.now()-n3)/e))),V&&q&&iE({t:l}),void 0!==e_&&void 0!==ej&&void 0!==eK&&void 0!==eG&&(e=>{let[n,r]=e_,[i,o]=ej,a=1-e,l=eK*a+eG*e;t.lookAt([n*a+i*e,r*a+o*e],l)})(l),!(a<e))&&(n5=!1,n3=null,eH=void 0,eX=void 0,tJ=n4,V&&(V.destroy(),V=void 0),q&&(q.destroy(),q=void 0),e_=void 0,ej=void 0,eK=void 0,eG=void 0,e2.publish("transitionEnd")),n9&&(_=rh(1,1),j=rh(-1,-1),"density"===nu&&iW()),e6.render(()=>{let e=tp.width/e6.canvas.width,i=tp.height/e6.canvas.height;s[0]=e/o,s[5]=i,ta?._reglType&&iB(),nK.length>2&&iD(),n5||h.draw({projection:s,model:c,view:t.view});let a=ic();n7&&a>0&&iC(),!nD&&(tJ||nX)&&(()=>{if(!(e0>=0))return;let[e,n]=nW[e0].slice(0,2),r=[e,n,0,1];b(e5,s,b(e5,t.view,c)),P(r,r,e5),g.setPoints([-1,r[1],1,r[1]]),B.setPoints([r[0],1,r[0],-1]),g.draw(),B.draw(),iI(()=>(nl+2*nc)*window.devicePixelRatio,()=>1,et,1)(),iI(()=>(nl+nc)*window.devicePixelRatio,()=>1,et,3)()})(),e0>=0&&iR(),nF.length>0&&(iT(),iL(),iz()),r.draw({projection:s,model:c,view:t.view}),n.draw({projection:s,model:c,view:t.view})},tp);let d={view:t.view,isViewChanged:n9,camera:t,xScale:ro,yScale:ra};n9&&(rV(),nH?nH=!1:e2.publish("view",d)),nY=!1,nX=!1,e2.publish("drawing",d,{async:!1}),e2.publish("draw",d)}),oo=()=>{nY=!0};return rN(),i6(),rV(),n=G(e6.regl,{color:tv,width:tB,is2d:!0}),h=G(e6.regl,{color:rk(t3,t4,t6),opacity:null===t9?null:t9[0],width:nt[0],is2d:!0}),g=G(e6.regl,{color:tQ,width:1,is2d:!0}),B=G(e6.regl,{color:tQ,width:1,is2d:!0}),r=G(e6.regl,{color:nw,width:nb,is2d:!0}),rK(),tp.addEventListener("wheel",oe),K=e6.regl.buffer(),ee=e6.regl.buffer(),et=e6.regl.buffer({usage:"dynamic",type:"float",length:2*Q}),eJ=rF(),eQ=rO(),e1=i4({backgroundImage:ta,width:nx,height:nv,actionKeyMap:tY}),iY(),iX(),window.addEventListener("keyup",i8,!1),window.addEventListener("blur",r$,!1),window.addEventListener("mouseup",rL,!1),window.addEventListener("mousemove",rD,!1),tp.addEventListener("mousedown",rT,!1),tp.addEventListener("mouseenter",i9,!1),tp.addEventListener("mouseleave",i7,!1),tp.addEventListener("click",rz,!1),tp.addEventListener("dblclick",rB,!1),"ResizeObserver"in window?(Z=new ResizeObserver(or)).observe(tp):(window.addEventListener("resize",or),window.addEventListener("orientationchange",or)),e1.then(()=>{e2.publish("init")}),{get isSupported(){return e6.isSupported},clear:iU(()=>{ot(),on()}),clearPoints:iU(ot),clearPointConnections:iU(()=>{h.clear()}),clearAnnotations:iU(on),createTextureFromUrl:(e,t=eZ)=>tu(e6.regl,e,t),deselect:rS,destroy:()=>{n7=!1,re=!1,nz=!0,oi(),window.removeEventListener("keyup",i8,!1),window.removeEventListener("blur",r$,!1),window.removeEventListener("mouseup",rL,!1),window.removeEventListener("mousemove",rD,!1),tp.removeEventListener("mousedown",rT,!1),tp.removeEventListener("mouseenter",i9,!1),tp.removeEventListener("mouseleave",i7,!1),tp.removeEventListener("click",rz,!1),tp.removeEventListener("dblclick",rB,!1),tp.removeEventListener("wheel",oe,!1),Z?Z.disconnect():(window.removeEventListener("resize",or),window.removeEventListener("orientationchange",or)),tp=void 0,t.dispose(),t=void 0,n.destroy(),rC.destroy(),h.destroy(),g.destroy(),B.destroy(),eJ&&eJ.destroy(),eQ&&eQ.destroy(),e.renderer||e6.isDestroyed||e6.destroy(),e2.publish("destroy"),e2.clear()},draw:(e,t={})=>nz?Promise.reject(Error(eU)):nL?Promise.reject(Error("Ignoring draw call as the previous draw call has not yet finished. To avoid this warning `await` the draw call.")):(nL=!0,tP(e).then(e=>new Promise(n=>{if(nz)return void n();let r=!1;t.preventFilterReset&&e?.length===nV||(nj=!1,nZ.clear());let i=e&&rx(e[0])&&(t5||t.showPointConnectionsOnce),{zDataType:o,wDataType:a}=t;new Promise(l=>{e?(t.transition&&(e.length===nV?r=((e,t={})=>{if(!W)return!1;if(n5){let e=V;V=q,e.destroy()}else V=W;return q=ik(e,t),U=e6.regl.framebuffer({color:q,depth:!1,stencil:!1}),W=void 0,!0})(e,{z:o,w:a}):console.warn("Cannot transition! The number of points between the previous and current draw call must be identical.")),iF(e,{zDataType:o,wDataType:a,preventFilterReset:t.preventFilterReset,spatialIndex:t.spatialIndex}).then(()=>{void 0!==t.hover&&rM(t.hover,{preventEvent:!0}),void 0!==t.select&&rP(t.select,{preventEvent:!0}),void 0!==t.filter&&ij(t.filter,{preventEvent:!0}),i?i_(e).then(()=>{e2.publish("pointConnectionsDraw"),nY=!0,nX=t.showReticleOnce}).then(()=>n()):l()})):l()}).then(()=>{t.transition&&r?(i?Promise.all([new Promise(e=>{e2.subscribe("transitionEnd",()=>{nY=!0,nX=t.showReticleOnce,e()},1)}),new Promise(e=>{e2.subscribe("pointConnectionsDraw",e,1)})]).then(()=>n()):e2.subscribe("transitionEnd",()=>{nY=!0,nX=t.showReticleOnce,n()},1),iV({duration:t.transitionDuration,easing:t.transitionEasing})):(i?Promise.all([new Promise(e=>{e2.subscribe("draw",e,1)}),new Promise(e=>{e2.subscribe("pointConnectionsDraw",e,1)})]).then(()=>n()):e2.subscribe("draw",()=>n(),1),nY=!0,nX=t.showReticleOnce,e2.publish("drawRequested",null,{async:!1}))})}).finally(()=>{nL=!1}))),drawAnnotations:iq,filter:ij,get:e=>{let[n]=Object.keys(tD({[e]:eV}));return"aspectRatio"===n?nG:"background"===n||"backgroundColor"===n?ti:"backgroundImage"===n?ta:"camera"===n?t:"cameraTarget"===n?t.target:"cameraDistance"===n?t.distance[0]:"cameraRotation"===n?t.rotation:"cameraView"===n?t.view:"cameraIsFixed"===n?nS:"canvas"===n?tp:"colorBy"===n?th:"sizeBy"===n?nm:"pointOrder"===n?null!==ny?[...ny]:null:"deselectOnDblClick"===n?tf:"deselectOnEscape"===n?tg:"height"===n?nv:"lassoColor"===n?tv:"lassoLineWidth"===n?tB:"lassoMinDelay"===n?tk:"lassoMinDist"===n?tF:"lassoClearEvent"===n?tN:"lassoInitiator"===n?t_:"lassoInitiatorElement"===n?rC.initiator:"lassoInitiatorParentElement"===n?tj:"lassoLongPressIndicatorParentElement"===n?tZ:"lassoOnLongPress"===n?tW:"lassoType"===n?tG:"lassoBrushSize"===n?tH:"mouseMode"===n?tX:"opacity"===n?1===nd.length?nd[0]:nd:"opacityBy"===n?nu:"opacityByDensityFill"===n?np:"opacityByDensityDebounceTime"===n?nI:"opacityInactiveMax"===n?nh:"opacityInactiveScale"===n?nf:"points"===n?nW:"hoveredPoint"===n?e0:"selectedPoints"===n?[...nF]:"filteredPoints"===n?nj?Array.from(nZ):Array.from({length:nW.length},(e,t)=>t):"pointsInView"===n?iZ():"pointColor"===n?1===t0.length?t0[0]:t0:"pointColorActive"===n?1===t1.length?t1[0]:t1:"pointColorHover"===n?1===t2.length?t2[0]:t2:"pointOutlineWidth"===n?nc:"pointSize"===n?1===na.length?na[0]:na:"pointSizeSelected"===n?nl:"pointSizeMouseDetection"===n?ns:"showPointConnections"===n?t5:"pointConnectionColor"===n?1===t3.length?t3[0]:t3:"pointConnectionColorActive"===n?1===t4.length?t4[0]:t4:"pointConnectionColorHover"===n?1===t6.length?t6[0]:t6:"pointConnectionColorBy"===n?t8:"pointConnectionOpacity"===n?1===t9.length?t9[0]:t9:"pointConnectionOpacityBy"===n?t7:"pointConnectionOpacityActive"===n?ne:"pointConnectionSize"===n?1===nt.length?nt[0]:nt:"pointConnectionSizeActive"===n?nn:"pointConnectionSizeBy"===n?nr:"pointConnectionMaxIntPointsPerSegment"===n?ni:"pointConnectionTolerance"===n?no:"pointScaleMode"===n?ng:"reticleColor"===n?tQ:"regl"===n?e6.regl:"showReticle"===n?tJ:"version"===n?"1.16.0":"width"===n?nx:"xScale"===n?ro:"yScale"===n?ra:"performanceMode"===n?nE:"renderPointsAsSquares"===n?nR:"disableAlphaBlending"===n?nT:"gamma"===n?e6.gamma:"renderer"===n?e6:"isDestroyed"===n?nz:"isDrawing"===n?nL:"isPointsDrawn"===n?n7:"isPointsFiltered"===n?nj:"isAnnotationsDrawn"===n?re:"zDataType"===n?rn:"wDataType"===n?rr:"spatialIndex"===n?i?.data:"annotationLineColor"===n?nw:"annotationLineWidth"===n?nb:"annotationHVLineLimit"===n?nA:"antiAliasing"===n?e8:"pixelAligned"===n?tr:"actionKeyMap"===n?{...tY}:void 0},getScreenPosition:e=>{if(!n7)throw Error(eq);let n=nW[e];if(!n)return;let r=[n[0],n[1],0,1];return b(e5,l,b(e5,t.view,c)),P(r,r,e5),[nP*(r[0]+1)/2,nM*(.5-r[1]/2)]},hover:rM,lassoSelect:(e,{merge:t=!1,remove:n=!1,isGl:r=!1}={})=>{let i,o,a,l,s;if(!(e=>{if(!Array.isArray(e)||e.length<3)return!1;for(let t of e)if(!Array.isArray(t)||2!==t.length||"number"!=typeof t[0]||"number"!=typeof t[1])return!1;return!0})(e))throw Error("Lasso selection requires at least 3 vertices as [x, y] coordinate pairs");let c=(a=[...e],l=e.at(0),s=e.at(-1),(l[0]!==s[0]||l[1]!==s[1])&&a.push(l),a);if(r)i=c,o=c.flat();else{if(!(o=(e=>{if(!(ro&&ra))return console.warn("xScale and yScale must be defined for programmatic lasso selection"),null;let t=[];for(let[n,r]of e){let[e,i]=rh((n-rl)/rs*2-1,(r-rc)/rd*2-1);t.push(e,i)}return t})(c)))throw Error("xScale and yScale must be defined to convert lasso vertices from data space to GL space");i=[];for(let e=0;e<o.length;e+=2)i.push([o[e],o[e+1]])}rI(i,o,{merge:t,remove:n})},redraw:oo,refresh:e6.refresh,reset:iU(({preventEvent:e=!1}={})=>{i6(),rV(),e||e2.publish("view",{view:t.view,camera:t,xScale:ro,yScale:ra})}),select:rP,set:i4,export:e=>void 0===e?tp.getContext("2d").getImageData(0,0,tp.width,tp.height):(async e=>{tp.style.userSelect="none";let t=window.devicePixelRatio,n=na,r=nx,i=nv,o=e6.canvas.width/t,a=e6.canvas.height/t,l=tr,s=e8,c=e?.scale||1,d=Array.isArray(na)?na.map(e=>e*c):na*c,u=nP*c,p=nM*c;rG(d),rY(u),rU(p),i3(e?.pixelAligned||tr),i5(e?.antiAliasing||e8),e6.resize(nx,nv),e6.refresh(),await new Promise(e=>{e2.subscribe("draw",e,1),oo()});let h=tp.getContext("2d").getImageData(0,0,tp.width,tp.height);return e6.resize(o,a),e6.refresh(),rG(n),rY(r),rU(i),i3(l),i5(s),await new Promise(e=>{e2.subscribe("draw",e,1),oo()}),tp.style.userSelect=null,h})(e),subscribe:e2.subscribe,unfilter:({preventEvent:e=!1}={})=>(nj=!1,nZ.clear(),K.subdata(iO(nV)),new Promise(t=>{let n=()=>{e2.subscribe("draw",()=>{e||e2.publish("unfilter"),t()},1),nY=!0};t5||rx(nW[0])?i_(rm()).then(()=>{e||e2.publish("pointConnectionsDraw"),n()}):n()})),unsubscribe:e2.unsubscribe,view:(e,{preventEvent:t=!1}={})=>{iJ(e),nY=!0,nH=t},zoomToLocation:iG,zoomToArea:iK,zoomToPoints:(e,t={})=>{if(!n7)return Promise.reject(Error(eq));let n=(e=>{let t=1/0,n=-1/0,r=1/0,i=-1/0;for(let o of e){let[e,a]=nW[o];t=Math.min(t,e),n=Math.max(n,e),r=Math.min(r,a),i=Math.max(i,a)}return{x:t,y:r,width:n-t,height:i-r}})(e),r=n.x+n.width/2,i=n.y+n.height/2,o=rf(),a=1+(t.padding||0),l=Math.max(n.width,o)*a,s=Math.max(n.height,o)*a;return iK({x:r-l/2,y:i-s/2,width:l,height:s},t)},zoomToOrigin:(e={})=>iG([0,0],1,e)}}})}}]);