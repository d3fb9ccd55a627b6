module lxrun.test/scan_go

go 1.19
