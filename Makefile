.PHONY: demo test bench
demo:   ## set up, build, render samples/ into ./out
	scripts/demo.sh
test:   ## set up and run every test
	scripts/test.sh
bench:  ## benchmark drs-report against the C floor and the Python reference on both estates (release build)
	scripts/bench.sh
