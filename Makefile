.PHONY: demo test bench
demo:   ## set up, build, render samples/ into ./out
	scripts/demo.sh
test:   ## set up and run every test
	scripts/test.sh
