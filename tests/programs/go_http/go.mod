module lxrun.test/go_http

go 1.19
