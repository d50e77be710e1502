pub fn app() {}
