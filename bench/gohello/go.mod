module lxrun.bench/gohello

go 1.19
