// Entry point of the page: mounts the Svelte shell. All computation happens in the engine worker.
import { mount } from 'svelte';
import App from './ui/App.svelte';
import './ui/theme.css';

mount(App, { target: document.getElementById('app')! });
