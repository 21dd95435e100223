import { mount } from 'svelte';
import EmbedApp from './EmbedApp.svelte';
import './app.css';

mount(EmbedApp, { target: document.getElementById('app')! });
