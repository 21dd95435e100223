import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// Mounted in a task of its own, after the one that evaluates the modules: the two together
// would hold the main thread past 50 ms on a slow machine (bench/page-speed.ts).
setTimeout(() => mount(App, { target: document.getElementById('app')! }), 0);
